import time

import pytest

from apps.infra.models import SailProcess, SailProcessLifetime, SailProcessStatus
from apps.infra.providers.local import is_serving
from apps.infra.providers.local.process import marked_processes
from apps.workloads.runner import MemoryRunReporter, RunPaths, RunStatus, clean_up_run, execute_run
from tests.workloads.conftest import LONG_QUERY

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

EVERY_STEP = [
    RunStatus.STARTING,
    RunStatus.CREATING_SAIL,
    RunStatus.WAITING_FOR_SAIL,
    RunStatus.CREATING_RUNNER,
    RunStatus.RUNNING,
]


def _sail_processes_of(run_id: str) -> list:
    ids = set(SailProcess.objects.filter(run_id=run_id).values_list("pk", flat=True))
    return [each for each in marked_processes() if each.process_id in ids]


def test_a_run_on_its_own_server_passes_every_step_and_removes_the_server(run_id):
    reporter = MemoryRunReporter()

    result = execute_run(
        run_id=run_id,
        config={
            "sql": {"source": "SELECT sum(id) AS total FROM range(1000000)"},
            "lakesail": {"executionMode": "standalone"},
        },
        reporter=reporter,
    )

    assert reporter.statuses == [*EVERY_STEP, RunStatus.SUCCEEDED]
    assert result.row_count == 1 and result.sail_process_id is None
    row = SailProcess.objects.get(run_id=run_id)
    assert row.status == SailProcessStatus.STOPPED and row.purpose == f"run {run_id}"
    assert _sail_processes_of(run_id) == []
    paths = RunPaths.for_run(run_id)
    assert "Starting the Spark Connect server" in paths.sail_log.read_text()
    assert not paths.tmp.exists() and paths.result.exists()


def test_it_times_out_a_long_query(run_id):
    reporter = MemoryRunReporter()
    began = time.monotonic()

    result = execute_run(run_id=run_id, config={"sql": {"source": LONG_QUERY}}, reporter=reporter, timeout_seconds=2)

    assert time.monotonic() - began < 10
    assert reporter.statuses == [*EVERY_STEP, RunStatus.TIMEOUT]
    assert result.status_message == "The run exceeded its timeout of 2 s."
    assert 2_000_000 <= result.runner_execution_time_us < 6_000_000
    assert SailProcess.objects.get(run_id=run_id).status == SailProcessStatus.STOPPED
    assert _sail_processes_of(run_id) == []


def test_cleanup_never_keeps_the_server_and_temporary_files_until_cleaned_up(run_id):
    result = execute_run(
        run_id=run_id, config={"sql": {"source": "SELECT 1 AS one"}}, reporter=MemoryRunReporter(), cleanup_mode="never"
    )

    assert result.status == RunStatus.SUCCEEDED
    kept = SailProcess.objects.get(pk=result.sail_process_id)
    assert kept.run_id == run_id and kept.status == SailProcessStatus.RUNNING
    assert kept.lifetime == SailProcessLifetime.DETACHED  # the reaper must not take it when this runner is gone
    assert is_serving(kept.host, kept.port)
    assert RunPaths.for_run(run_id).tmp.exists()

    assert clean_up_run(run_id=run_id) is True

    kept.refresh_from_db()
    assert kept.status == SailProcessStatus.STOPPED and _sail_processes_of(run_id) == []
    assert not RunPaths.for_run(run_id).tmp.exists()
    assert clean_up_run(run_id=run_id) is False


def test_cleanup_on_success_keeps_a_failed_runs_server(run_id):
    result = execute_run(
        run_id=run_id,
        config={"sql": {"source": "SELECT broken FROM range(1)"}},
        reporter=MemoryRunReporter(),
        cleanup_mode="on_success",
    )

    try:
        assert result.status == RunStatus.FAILED
        assert result.sail_process_id is not None and len(_sail_processes_of(run_id)) == 1
    finally:
        clean_up_run(run_id=run_id)
    assert _sail_processes_of(run_id) == []


def test_a_server_that_cannot_start_fails_the_run_with_sails_message(run_id):
    reporter = MemoryRunReporter()

    result = execute_run(
        run_id=run_id,
        config={"sql": {"source": "SELECT 1"}, "lakesail": {"spark.session_timeout_secs": '"soon"'}},
        reporter=reporter,
    )

    assert reporter.statuses == [*EVERY_STEP[:3], RunStatus.FAILED]
    assert result.status_message == "Sail server did not start: the Sail process exited before serving"
    assert "SESSION_TIMEOUT_SECS" in (RunPaths.for_run(run_id).runner_log).read_text()
    assert _sail_processes_of(run_id) == []
