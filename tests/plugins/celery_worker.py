"""Real Celery worker processes for integration tests, on the test database and the configured broker.

`celery_worker`: one worker for the session; tasks that a test requesting it sends go to its queue.
`restartable_celery_worker`: a factory for workers of one test, which it may kill (SIGKILL) and start again.
Tests that request neither send their tasks to the default queue, where no test worker takes them.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from lakesail_console.celery import app as celery_app


def _test_database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerProcess:
    """`celery worker --pool=solo` on a queue of its own; `include` names extra modules for it to import."""

    def __init__(
        self, *, database_url: str, log_path: Path, include: Sequence[str] = (), env: dict[str, str] | None = None
    ) -> None:
        self.queue = f"lakesail-test-{uuid.uuid4().hex[:8]}"
        self.log_path = log_path
        self.env = {
            **os.environ,
            **(env or {}),
            "DATABASE_URL": database_url,
            "CELERY_QUEUE": self.queue,
            "DJANGO_SETTINGS_MODULE": "lakesail_console.settings",
        }
        self.command = [sys.executable, "-m", "celery", "-A", "lakesail_console", "worker", "--pool=solo"]
        self.command += ["-Q", self.queue, "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"]
        if include:
            self.command += ["--include", ",".join(include)]
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        """Start (or start again, appending to the same log) and wait until it is ready."""
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                self.command, env=self.env, stdout=log, stderr=subprocess.STDOUT, cwd=settings.BASE_DIR
            )
        deadline = time.monotonic() + timeout
        while "ready." not in self.log_path.read_text()[offset:]:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"celery worker did not start:\n{self.log_path.read_text()}")
            time.sleep(0.2)

    def kill(self) -> None:
        """Die the hard way, as a crashed machine would: no warm shutdown, no acknowledgement, no rollback sent."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(15)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextmanager
def _tasks_to(queue: str) -> Iterator[None]:
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    try:
        yield
    finally:
        celery_app.conf.task_default_queue = previous


@pytest.fixture(scope="session")
def _session_worker(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[WorkerProcess]:
    with django_db_blocker.unblock():
        database_url = _test_database_url()
    worker = WorkerProcess(database_url=database_url, log_path=tmp_path_factory.mktemp("celery") / "worker.log")
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()


@pytest.fixture
def celery_worker(_session_worker: WorkerProcess) -> Iterator[str]:
    """The session's worker takes the tasks this test sends; yields its queue."""
    with _tasks_to(_session_worker.queue):
        yield _session_worker.queue


@pytest.fixture
def restartable_celery_worker(transactional_db, tmp_path) -> Iterator[Callable[..., WorkerProcess]]:
    """`start(include=(), env=None)` starts a worker of this test, which takes the tasks the test sends."""
    workers: list[WorkerProcess] = []

    def start(include: Sequence[str] = (), env: dict[str, str] | None = None) -> WorkerProcess:
        worker = WorkerProcess(
            database_url=_test_database_url(),
            log_path=tmp_path / f"worker-{len(workers)}.log",
            include=include,
            env=env,
        )
        workers.append(worker)
        celery_app.conf.task_default_queue = worker.queue
        worker.start()
        return worker

    with _tasks_to(celery_app.conf.task_default_queue):
        try:
            yield start
        finally:
            for worker in workers:
                worker.stop()


def wait_for(predicate, timeout: float = 60, interval: float = 0.2):
    """Poll until predicate() is truthy (the worker is another process: there is nothing to await)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)
