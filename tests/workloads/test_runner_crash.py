import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings

from apps.core.events import deliver_pending, subscribe, unsubscribe
from apps.infra.models import SailProcess, SailProcessStatus
from apps.infra.providers.local import reap_sail_processes
from apps.infra.providers.local.host import ProcessRef
from apps.workloads.runner import FileRunReporter, RunPaths, read_events
from tests.workloads.conftest import LONG_QUERY

pytestmark = pytest.mark.integration


def fail_file_backed_run(event) -> None:
    """What the workloads app does on its run rows (on `sail_process.lost`), done on a `sail_run` run's files."""
    if event.payload["runId"]:
        FileRunReporter(RunPaths.for_run(event.payload["runId"]).root).fail_if_unfinished(event.payload["message"])


@pytest.fixture
def run_failure_hook():
    subscribe("sail_process.lost", fail_file_backed_run, name="tests.fail_file_backed_run")
    yield
    unsubscribe("tests.fail_file_backed_run")


def test_killing_the_runners_process_leaves_no_orphan_and_fails_the_run(sail_subprocess_env, run_id, run_failure_hook):
    paths = RunPaths.for_run(run_id)
    runner = subprocess.Popen(
        [sys.executable, "manage.py", "sail_run", "--sql", LONG_QUERY, "--run-id", run_id],
        env=sail_subprocess_env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while "running" not in [event["status"] for event in read_events(paths.root)]:
            assert runner.poll() is None and time.monotonic() < deadline, read_events(paths.root)
            time.sleep(0.1)
        row = SailProcess.objects.get(run_id=run_id)
        server = ProcessRef(row.pid, row.process_created_at)
        runner.send_signal(signal.SIGKILL)
        runner.wait(10)
    finally:
        runner.kill()
    assert server.is_alive()  # the supervisor is gone, its server is not: without the reaper it would run forever

    report = reap_sail_processes(grace_seconds=2)
    deliver_pending()  # what a worker does once the reaper's transaction committed

    assert report.run_ids == [run_id]
    assert not server.is_alive()
    row.refresh_from_db()
    assert row.status == SailProcessStatus.REAPED
    last = read_events(paths.root)[-1]
    assert (last["event"], last["status"]) == ("finish", "failed")
    assert last["statusMessage"] == row.status_message
    assert f"supervising this Sail server (pid {runner.pid}) stopped unexpectedly" in last["statusMessage"]
