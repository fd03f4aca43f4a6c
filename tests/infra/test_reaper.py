import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psutil
import pytest
from django.conf import settings

from apps.core.events import OutboxEvent, deliver_pending, subscribe, unsubscribe
from apps.infra.models import SailProcess, SailProcessLifetime, SailProcessStatus
from apps.infra.providers.local import reap_sail_processes, sail_start, sail_stop
from apps.infra.providers.local.host import ProcessRef

pytestmark = pytest.mark.integration

# Starts Sail servers as a supervisor would (a run's; a cluster's too if asked), prints them, dies the hard way.
CRASHING_SUPERVISOR = """
import os, signal, sys, django
django.setup()
from apps.infra.providers.local import sail_start
bound = sail_start(purpose="test: crashed run", run_id="CRASHRUN01")
print(bound.process_id, bound.ref.pid, flush=True)
if "--with-detached" in sys.argv:
    detached = sail_start(purpose="test: cluster", cluster_id="CLUSTER002", lifetime="detached")
    print(detached.process_id, detached.ref.pid, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.fixture(autouse=True)
def _only_this_tests_servers() -> None:
    """The reaper judges every Sail process recorded in this database. SQL validation servers that earlier tests of
    this worker left warm (they outlive requests on purpose) lost their rows with those tests' transactions: they
    would be its strays too, and which tests run before these depends on how the session is split between workers."""
    from apps.workloads.sql_validation.warm import stop_warm_servers

    stop_warm_servers(record=False)


def announced() -> list[tuple[str, dict]]:
    """What the reaper announced: its `sail_process.lost` events (process id, payload), oldest first."""
    events = OutboxEvent.objects.filter(event_type="sail_process.lost").order_by("occurred_at", "id")
    return [(event.resource_id, event.payload) for event in events]


def _crash_a_supervisor(env: dict[str, str], *args: str) -> list[tuple[str, int]]:
    done = subprocess.run(
        [sys.executable, "-c", CRASHING_SUPERVISOR, *args],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    return [(process_id, int(pid)) for process_id, pid in (line.split() for line in done.stdout.splitlines())]


@pytest.mark.django_db
def test_it_stops_a_sail_process_whose_row_is_gone():
    server = sail_start(purpose="test: stray")
    SailProcess.objects.filter(pk=server.process_id).delete()

    report = reap_sail_processes(grace_seconds=2)

    assert report.strays_stopped == [server.ref.pid]
    assert not server.ref.is_alive()
    assert announced() == []  # no row, nothing to announce


@pytest.fixture
def subscriber():
    """A subscriber of `sail_process.lost`, like the one that fails the run a lost server served."""
    received = []
    subscribe("sail_process.lost", received.append, name="tests.reaper.lost")
    yield received
    unsubscribe("tests.reaper.lost")


@pytest.mark.django_db
def test_it_marks_a_row_whose_process_died_and_announces_the_run_it_served(subscriber):
    server = sail_start(purpose="test: died", run_id="DIEDRUN001")
    psutil.Process(server.ref.pid).kill()
    psutil.Process(server.ref.pid).wait(10)

    report = reap_sail_processes()

    row = SailProcess.objects.get(pk=server.process_id)
    assert row.status == SailProcessStatus.EXITED
    assert row.status_message == f"The Sail server (pid {server.ref.pid}) exited unexpectedly."
    assert report.run_ids == ["DIEDRUN001"]
    payload = {"runId": "DIEDRUN001", "clusterId": "", "status": "exited", "message": row.status_message}
    assert announced() == [(server.process_id, payload)]
    assert reap_sail_processes().lost == []  # announced once
    deliver_pending()
    assert [(e.event_type, e.resource_type, e.resource_id, e.payload) for e in subscriber] == [
        ("sail_process.lost", "sailprocess", server.process_id, payload)
    ]


@pytest.mark.django_db
def test_it_leaves_a_live_supervisors_server_alone():
    server = sail_start(purpose="test: supervised", run_id="LIVERUN001")
    try:
        report = reap_sail_processes()
        assert report.lost == [] and report.strays_stopped == [] and announced() == []
        assert server.ref.is_alive()
        assert SailProcess.objects.get(pk=server.process_id).status == SailProcessStatus.RUNNING
    finally:
        sail_stop(process_id=server.process_id)


def test_it_reaps_the_server_of_a_crashed_supervisor_but_not_a_detached_one(sail_subprocess_env):
    (bound_id, bound_pid), (detached_id, detached_pid) = _crash_a_supervisor(sail_subprocess_env, "--with-detached")
    bound = ProcessRef.of(psutil.Process(bound_pid))
    assert bound.is_alive()  # its own session: the supervisor's death did not take it down

    report = reap_sail_processes(grace_seconds=2)

    assert not bound.is_alive()
    row = SailProcess.objects.get(pk=bound_id)
    assert row.status == SailProcessStatus.REAPED
    assert "supervising this Sail server" in row.status_message and "stopped unexpectedly" in row.status_message
    assert report.run_ids == ["CRASHRUN01"]
    assert [(process_id, payload["runId"]) for process_id, payload in announced()] == [(bound_id, "CRASHRUN01")]

    detached = SailProcess.objects.get(pk=detached_id)
    assert detached.status == SailProcessStatus.RUNNING and detached.lifetime == SailProcessLifetime.DETACHED
    assert psutil.pid_exists(detached_pid)
    sail_stop(process_id=detached_id)
    assert not psutil.pid_exists(detached_pid) or psutil.Process(detached_pid).status() == psutil.STATUS_ZOMBIE


def test_a_starting_celery_worker_reaps_what_a_crashed_supervisor_left(sail_subprocess_env, tmp_path: Path):
    [(bound_id, bound_pid)] = _crash_a_supervisor(sail_subprocess_env)
    bound = ProcessRef.of(psutil.Process(bound_pid))
    log_path = tmp_path / "worker.log"
    queue = f"lakesail-reaper-test-{uuid.uuid4().hex[:8]}"
    command = [sys.executable, "-m", "celery", "-A", "lakesail_console", "worker", "--pool=solo", "-Q", queue]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"]
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            command, env=sail_subprocess_env, cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and worker.poll() is None:
            if SailProcess.objects.get(pk=bound_id).status == SailProcessStatus.REAPED:
                break
            time.sleep(0.2)
        assert SailProcess.objects.get(pk=bound_id).status == SailProcessStatus.REAPED, log_path.read_text()
        assert not bound.is_alive()  # stopped before its row was marked
    finally:
        worker.kill()  # its part is over; a warm shutdown would only cost seconds
        worker.wait(15)
