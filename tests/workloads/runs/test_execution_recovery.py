"""A worker killed mid-run (SIGKILL): the run ends failed and retryable, through the heartbeat sweep or the reaper's
lost-process event, and a retry succeeds on a worker started again."""

from pathlib import Path

import pytest

from apps.core.events import OutboxEvent, deliver_pending
from apps.infra.models import LIVE_STATUSES, SailProcess
from apps.infra.providers.local import reap_sail_processes
from apps.workloads.models import JobRun, JobRunStatus
from apps.workloads.services.catalogs import catalog_create
from apps.workloads.services.queries import query_create
from apps.workloads.services.run_execution import sweep_lost_runs
from apps.workloads.services.runs import run_create, run_retry
from tests.plugins.celery_worker import wait_for
from tests.workloads.conftest import LONG_QUERY
from tests.workloads.runs.conftest import WORKER_ENV, make_job
from tests.workloads.runs.test_execution_flow import ended, events

pytestmark = pytest.mark.integration
S = JobRunStatus

# Runs until the marker file is removed: the first attempt hangs (and is killed), the retry finishes at once.
HANG_WHILE_MARKED = """
import os, pathlib, time
from pyspark.sql import SparkSession

spark = SparkSession.builder.getOrCreate()
while pathlib.Path(os.environ["MARKER"]).exists():
    time.sleep(0.1)
print(spark.sql("SELECT 41 + 1 AS answer").collect()[0].answer)
"""


def running(run) -> bool:
    return JobRun.objects.get(pk=run.pk).status == S.RUNNING


def test_a_run_whose_worker_died_is_failed_by_the_heartbeat_sweep_and_a_retry_succeeds(
    restartable_celery_worker, author, team, sail_cluster, settings, tmp_path
):
    settings.RUNS_LOST_SECONDS = 2
    worker = restartable_celery_worker(env=WORKER_ENV)
    marker = tmp_path / "hang"
    marker.touch()
    config = {"python": {"source": HANG_WHILE_MARKED, "namedParameters": {"MARKER": str(marker)}}}
    run = run_create(principal=author, job=make_job(author, team, sail_cluster, config=config))
    assert wait_for(lambda: running(run), timeout=60), worker.log_path.read_text()
    assert sweep_lost_runs() == []  # beating: not lost

    worker.kill()
    assert wait_for(lambda: sweep_lost_runs() == [run.pk], timeout=30)

    run = JobRun.objects.get(pk=run.pk)
    assert (run.status, run.retryable) == (S.FAILED, True)
    assert run.status_message == f"The worker executing the run ({run.worker}) was lost: no heartbeat for 2 s."
    name, payload = events(run)[-1]
    assert (name, payload["willRetry"], payload["message"]) == ("run.failed", False, run.status_message)
    assert sweep_lost_runs() == []  # once

    marker.unlink()
    run_retry(principal=author, run=run)
    worker.start()
    run = ended(run)
    assert (run.status, run.attempt, run.retryable) == (S.SUCCEEDED, 2, False)
    assert (Path(run.log_dir) / "stdout.log").read_text() == "42\n"
    assert [name for name, _ in events(run)] == [
        "run.started",
        "run.failed",
        "run.retried",
        "run.started",
        "run.succeeded",
    ]


def test_a_run_whose_own_server_the_reaper_found_orphaned_fails_and_is_retried_automatically(
    restartable_celery_worker, author, team, sail_cluster
):
    """The worker dies with a run on a server of its own (a catalog's): the reaper stops the orphaned server and its
    `sail_process.lost` event fails the run at once; maxRetries sends it round again."""
    worker = restartable_celery_worker(env=WORKER_ENV)
    catalog = catalog_create(
        principal=author, name="Lake", provider="memory", config_write={"initialDatabase": "sales"}, team_ids=[team.pk]
    )
    query = query_create(
        principal=author, values={"name": "Slow", "queryText": LONG_QUERY, "catalogId": catalog.pk}, team_ids=[team.pk]
    )
    job = make_job(
        author,
        team,
        sail_cluster,
        config={"sql": {"queryId": query.pk}, "lakesail": {"maxRetries": 1}},
        timeoutSeconds=3,
    )
    run = run_create(principal=author, job=job)
    assert wait_for(lambda: running(run), timeout=60), JobRun.objects.get(pk=run.pk).status_message
    server = SailProcess.objects.get(run_id=run.pk)

    worker.kill()
    report = reap_sail_processes(grace_seconds=2)
    deliver_pending()  # what a worker does with the reaper's event

    assert report.run_ids == [run.pk]
    server.refresh_from_db()
    assert server.status not in LIVE_STATUSES
    failed = OutboxEvent.objects.get(event_type="run.failed", resource_id=run.pk).payload
    assert failed["willRetry"] is True
    assert failed["message"].startswith("The run's Sail server was lost: The process supervising this Sail server")
    run = JobRun.objects.get(pk=run.pk)
    assert (run.status, run.attempt, run.auto_retries) == (S.PENDING, 2, 1)

    worker.start()  # the retry runs (and times out: the query is the same), on a new server, removed after
    run = ended(run)
    assert (run.status, run.attempt) == (S.TIMEOUT, 2)
    assert SailProcess.objects.filter(run_id=run.pk, status__in=LIVE_STATUSES).count() == 0
