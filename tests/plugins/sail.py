"""Sail for tests: a data directory per session, one shared Sail server, and a check that no Sail process the
session started outlives it (registered from tests/conftest.py)."""

import os
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from apps.infra.providers.local.health import NotServing, wait_until_serving
from apps.infra.providers.local.layout import prepare_sail_work_dir
from apps.infra.providers.local.process import (
    LABEL_VAR,
    free_port,
    log_tail,
    marked_processes,
    spawn_sail,
    stop_process,
)

# Servers of this session are labelled with this value, so the end-of-session check finds them (and only them:
# another session on the machine has its own label; Sail servers inherit it from whichever of our processes starts
# them, including subprocesses).
SESSION_LABEL = f"pytest-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def pytest_configure(config: pytest.Config) -> None:
    os.environ[LABEL_VAR] = SESSION_LABEL


@pytest.fixture(scope="session", autouse=True)
def sail_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Runs, tables and server files of this session go to a temporary data directory, never to var/data."""
    from django.conf import settings

    path = tmp_path_factory.mktemp("lakesail-data")
    previous_setting, previous_env = settings.LAKESAIL_DATA_DIR, os.environ.get("LAKESAIL_DATA_DIR")
    settings.LAKESAIL_DATA_DIR = path
    os.environ["LAKESAIL_DATA_DIR"] = str(path)  # for subprocesses: workers, supervisors under test
    yield path
    settings.LAKESAIL_DATA_DIR = previous_setting
    if previous_env is None:
        os.environ.pop("LAKESAIL_DATA_DIR", None)
    else:
        os.environ["LAKESAIL_DATA_DIR"] = previous_env


@dataclass(frozen=True)
class SessionSail:
    host: str
    port: int
    pid: int

    @property
    def remote(self) -> str:
        return f"sc://{self.host}:{self.port}"


@pytest.fixture(scope="session")
def sail_server(sail_data_dir: Path) -> Iterator[SessionSail]:
    """One Sail server for the whole session (a cluster's server, as far as the runner is concerned).

    Started below the supervisor (no database row) and in a namespace of its own, so no reaper under test touches it.
    """
    work_dir = sail_data_dir / "session-sail"
    log_path = work_dir / "sail.log"
    prepare_sail_work_dir(work_dir)
    port = free_port("127.0.0.1")
    ref = spawn_sail(
        process_id=f"session{uuid.uuid4().hex[:8]}",
        namespace=f"pytest-session-{SESSION_LABEL}",
        sail_env={"SAIL_MODE": '"local"'},
        host="127.0.0.1",
        port=port,
        work_dir=work_dir,
        log_path=log_path,
    )
    try:
        wait_until_serving(ref=ref, host="127.0.0.1", port=port, timeout=60)
    except NotServing as exc:
        stop_process(ref, grace_seconds=2)
        raise RuntimeError(f"the session's Sail server did not start: {exc}\n{log_tail(log_path)}") from exc
    yield SessionSail(host="127.0.0.1", port=port, pid=ref.pid)
    stop_process(ref, grace_seconds=5)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the session if a Sail process it started is still running (and stop it, so the leak ends here)."""
    from apps.workloads.sql_validation import stop_warm_servers

    # Warm SQL validation servers outlive the requests that started them (the API fuzz tests' too): they are
    # meant to, so they are stopped here rather than counted as leaks.
    stop_warm_servers(record=False)
    deadline = time.monotonic() + 5  # a server stopped by the last test may still be exiting
    leftovers = marked_processes(label=SESSION_LABEL)
    while leftovers and time.monotonic() < deadline:
        time.sleep(0.2)
        leftovers = marked_processes(label=SESSION_LABEL)
    if not leftovers:
        return
    lines = [f"pid {each.ref.pid} (SailProcess {each.process_id})" for each in leftovers]
    for each in leftovers:
        stop_process(each.ref, grace_seconds=1)
    sys.stderr.write("\nSail processes left running by this test session: " + ", ".join(lines) + "\n")
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def sail_subprocess_env(transactional_db, sail_data_dir: Path) -> dict[str, str]:
    """The environment for a subprocess working on this test's database and data directory.

    Transactional: the subprocess's rows are committed, visible here, and ours are visible there.
    """
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{Path(db['NAME']).resolve()}"
    else:
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "LAKESAIL_DATA_DIR": str(sail_data_dir),
        "DJANGO_SETTINGS_MODULE": "lakesail_console.settings",
    }
