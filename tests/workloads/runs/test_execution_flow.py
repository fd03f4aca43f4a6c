"""Runs executed for real: a Celery worker dispatches and executes them on the session's Sail server (the cluster's
long-running server) or on a server of their own, and records what happened."""

import datetime as dt
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction

from apps.core.events import OutboxEvent
from apps.infra.models import LIVE_STATUSES, SailProcess
from apps.infra.providers.local.process import marked_processes
from apps.workloads.models import TERMINAL_RUN_STATUSES, JobRun, JobRunStatus, PendingReason
from apps.workloads.run_tasks import dispatch_runs
from apps.workloads.services.catalogs import catalog_create
from apps.workloads.services.queries import query_create
from apps.workloads.services.runs import new_run, run_cancel, run_create, run_release
from tests.plugins.celery_worker import wait_for
from tests.workloads.conftest import LONG_QUERY
from tests.workloads.runs.conftest import make_job

pytestmark = pytest.mark.integration
S = JobRunStatus


def ended(run: JobRun, timeout: float = 60) -> JobRun:
    assert wait_for(lambda: JobRun.objects.get(pk=run.pk).status in TERMINAL_RUN_STATUSES, timeout=timeout), (
        JobRun.objects.get(pk=run.pk).status
    )
    return JobRun.objects.get(pk=run.pk)


def timeline(run: JobRun) -> list[str]:
    return list(run.status_changes.values_list("status", flat=True))


def events(run: JobRun) -> list[tuple[str, dict]]:
    rows = OutboxEvent.objects.filter(resource_id=run.pk, event_type__startswith="run.").order_by("occurred_at", "id")
    return [(row.event_type, row.payload) for row in rows]


def test_a_held_run_released_runs_on_the_cluster_server_and_records_its_result(runs_worker, author, team, sail_cluster):
    sql = "CREATE TEMPORARY VIEW t AS SELECT id, id * 2 AS twice FROM range(150); SELECT * FROM t ORDER BY id"
    job = make_job(author, team, sail_cluster, config={"sql": {"source": sql}})
    run = run_create(principal=author, job=job, hold=True)
    time.sleep(0.5)  # a dispatcher would have had time to (wrongly) take it
    run.refresh_from_db()
    assert (run.status, run.pending_reason) == (S.PENDING, PendingReason.HELD)

    run_release(principal=author, run=run)
    run = ended(run)

    assert (run.status, run.status_message) == (S.SUCCEEDED, "")
    assert timeline(run) == [S.PENDING, S.READY, S.STARTING, S.CREATING_RUNNER, S.RUNNING, S.SUCCEEDED]
    assert run.row_count == 150
    assert run.preview["columns"] == [{"name": "id", "type": "int64"}, {"name": "twice", "type": "int64"}]
    assert run.preview["rows"] == [[n, n * 2] for n in range(100)]  # the first 100 rows
    assert (Path(run.output_path) / "result.parquet").exists()
    assert (Path(run.log_dir) / "runner.log").exists()
    assert run.dispatched_at <= run.runner_started_at <= run.runner_completed_at <= run.finished_at
    assert run.runner_execution_time_us > 0 and run.worker and run.cleaned_at is not None
    assert run.sail_process_id == ""  # on the cluster's server: nothing of its own was started
    # $3.60/h is $0.001/s; the run held one of the cluster's 4 slots from dispatch to finish.
    held = Decimal(str((run.finished_at - run.dispatched_at).total_seconds()))
    assert abs(run.estimated_cost - held * Decimal("0.001") / 4) <= Decimal("0.000001")
    assert [name for name, _ in events(run)] == ["run.started", "run.succeeded"]
    payload = events(run)[-1][1]
    assert payload["runId"] == run.pk and payload["jobKey"] == job.job_key and payload["status"] == S.SUCCEEDED


PRINT_ARGUMENTS = """
import os, sys
from pyspark.sql import SparkSession

spark = SparkSession.builder.getOrCreate()
print(*sys.argv[1:], os.environ["DAY"], os.environ["REGION"], spark.sql("SELECT 6 * 7 AS n").collect()[0].n)
"""


def test_parameter_overrides_reach_the_program(runs_worker, author, team, sail_cluster):
    python = {"source": PRINT_ARGUMENTS, "parameters": ["--old"], "namedParameters": {"DAY": "mon", "REGION": "eu"}}
    job = make_job(author, team, sail_cluster, config={"python": python})

    run = ended(run_create(principal=author, job=job, parameters=["--day", "tue"], named_parameters={"DAY": "tue"}))

    assert run.status == S.SUCCEEDED, run.status_message
    assert (Path(run.log_dir) / "stdout.log").read_text() == "--day tue tue eu 42\n"


def test_a_failing_run_is_retried_max_retries_times_then_fails_with_the_engines_message(
    runs_worker, author, team, sail_cluster
):
    job = make_job(author, team, sail_cluster, config={"sql": {"source": "SELEC 1"}, "lakesail": {"maxRetries": 2}})
    run = run_create(principal=author, job=job)

    assert wait_for(lambda: JobRun.objects.get(pk=run.pk).auto_retries == 2, timeout=60)
    run = ended(run)

    assert run.status == S.FAILED and (run.attempt, run.auto_retries) == (3, 2)
    assert "SELEC" in run.status_message and "\n" not in run.status_message
    assert run.retryable is False
    failures = [(name, payload) for name, payload in events(run) if name != "run.started"]
    assert [name for name, _ in failures] == ["run.failed", "run.retried", "run.failed", "run.retried", "run.failed"]
    assert [p["willRetry"] for name, p in failures if name == "run.failed"] == [True, True, False]
    assert {p["message"] for name, p in failures if name == "run.failed"} == {run.status_message}
    # Each retry waited its backoff (0.2 s, then 0.4 s) as a pending run.
    waits = list(run.status_changes.filter(status=S.PENDING).values_list("message", flat=True))
    assert len(waits) == 3 and all(w.startswith("Retrying after") for w in waits[1:])


def test_a_timeout_ends_the_run_as_timeout(runs_worker, author, team, sail_cluster):
    job = make_job(author, team, sail_cluster, config={"sql": {"source": LONG_QUERY}}, timeoutSeconds=2)
    run = ended(run_create(principal=author, job=job))

    assert (run.status, run.status_message) == (S.TIMEOUT, "The run exceeded its timeout of 2 s.")
    assert 2_000_000 <= run.runner_execution_time_us < 6_000_000
    assert [name for name, _ in events(run)] == ["run.started", "run.timeout"]
    assert events(run)[-1][1]["willRetry"] is False


def test_cancelling_a_run_on_a_server_of_its_own_ends_it_within_5_s_and_leaves_no_sail_process(
    runs_worker, author, team, sail_cluster
):
    """A saved query with a catalog needs Sail's catalog settings: the run gets a server of its own."""
    catalog = catalog_create(
        principal=author, name="Lake", provider="memory", config_write={"initialDatabase": "sales"}, team_ids=[team.pk]
    )
    query = query_create(
        principal=author, values={"name": "Slow", "queryText": LONG_QUERY, "catalogId": catalog.pk}, team_ids=[team.pk]
    )
    job = make_job(author, team, sail_cluster, config={"sql": {"queryId": query.pk}})
    run = run_create(principal=author, job=job)
    assert wait_for(lambda: JobRun.objects.get(pk=run.pk).status == S.RUNNING, timeout=60)
    server = SailProcess.objects.get(run_id=run.pk)
    assert server.status in LIVE_STATUSES
    time.sleep(1)  # the query reached the server (the runner's interrupt only stops queries the server has)

    cancelled_at = time.monotonic()
    run_cancel(principal=author, run=run)
    run = ended(run, timeout=10)
    assert time.monotonic() - cancelled_at < 5

    assert (run.status, run.status_message) == (S.CANCELLED, "Cancelled by a user.")
    assert timeline(run) == [
        S.PENDING, S.READY, S.STARTING, S.CREATING_SAIL, S.WAITING_FOR_SAIL, S.CREATING_RUNNER, S.RUNNING, S.CANCELLED
    ]  # fmt: skip
    server.refresh_from_db()
    assert server.status not in LIVE_STATUSES
    assert [each for each in marked_processes() if each.process_id == server.pk] == []
    assert [name for name, _ in events(run)] == ["run.started", "run.cancelled"]


def test_a_downstream_run_starts_only_after_its_upstream_succeeded(runs_worker, author, team, sail_cluster):
    upstream = make_job(author, team, sail_cluster, key="extract")
    downstream = make_job(author, team, sail_cluster, key="report", dependsOn=[{"jobKey": "extract"}])
    slot = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with transaction.atomic():
        down = new_run(job=downstream, version=downstream.current_version, trigger="schedule", scheduled_for=slot)
        up = new_run(job=upstream, version=upstream.current_version, trigger="schedule", scheduled_for=slot, hold=True)
    dispatch_runs.delay()
    time.sleep(1)  # the worker decided it: the upstream has not run, so the downstream waits
    down.refresh_from_db()
    assert (down.status, down.pending_reason) == (S.PENDING, PendingReason.WAITING_FOR_DEPENDENCY)
    assert down.pending_detail == {"jobKey": "extract", "jobId": upstream.pk, "runId": up.pk}

    run_release(principal=author, run=up)
    up, down = ended(up), ended(down)

    assert up.status == down.status == S.SUCCEEDED
    assert down.runner_started_at > up.finished_at
    waits = list(down.status_changes.filter(status=S.PENDING).values_list("message", flat=True))
    assert waits == ["Created (schedule).", "Waiting for a run of extract.", f"Waiting for extract (run {up.pk})."]
    assert timeline(down)[3:] == [S.READY, S.STARTING, S.CREATING_RUNNER, S.RUNNING, S.SUCCEEDED]
