"""What a worker hands the runner (plan), how it reports, and how lost runs are recovered: without a worker."""

import datetime as dt
from types import SimpleNamespace

import pytest

from apps.core import clock
from apps.core.events import OutboxEvent
from apps.infra.models import ProvisionedCluster, SailProcess
from apps.workloads.models import JobRun, JobRunStatus, PendingReason
from apps.workloads.runner import RunResult, RunStatus, SailTarget
from apps.workloads.services.catalogs import catalog_create
from apps.workloads.services.queries import query_create
from apps.workloads.services.run_dispatch import dispatch
from apps.workloads.services.run_execution import (
    DatabaseRunReporter,
    RunNotExecutable,
    claim,
    plan,
    retry_delay,
    run_server_lost,
    sweep_lost_runs,
)
from apps.workloads.services.runs import run_create
from tests.workloads.runs.conftest import make_job

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
S = JobRunStatus
PYTHON = {"python": {"source": "print(1)", "parameters": ["a"], "namedParameters": {"DAY": "mon", "KEEP": "yes"}}}


def started(author, team, cluster, **fields) -> JobRun:
    """A run the dispatcher moved to `starting` and a worker (`host:1`) claimed."""
    run = run_create(principal=author, job=make_job(author, team, cluster, **fields))
    assert dispatch().started == [run.pk]
    return claim(run.pk, run.attempt, "host:1")


@pytest.mark.django_db
def test_a_run_executes_on_the_clusters_server_with_its_version_and_overrides(author, team, runs_cluster):
    job = make_job(author, team, runs_cluster, config=PYTHON, timeoutSeconds=90)
    run = run_create(principal=author, job=job, parameters=["b", "c"], named_parameters={"DAY": "tue"})

    executed = plan(run)

    assert executed.target == SailTarget(host="127.0.0.1", port=9)
    assert (executed.parameters, executed.named_parameters) == (["b", "c"], {"DAY": "tue"})
    assert executed.config == {**PYTHON, "lakesail": {}}
    assert executed.timeout_seconds == 90.0 and executed.cleanup_mode == "always"
    assert job.current_version.config == PYTHON  # the version itself is never changed


@pytest.mark.django_db
def test_a_saved_query_with_a_catalog_runs_on_a_server_of_its_own_with_the_catalog(author, team, runs_cluster):
    catalog = catalog_create(
        principal=author, name="Lake", provider="memory", config_write={"initialDatabase": "sales"}, team_ids=[team.pk]
    )
    query = query_create(
        principal=author, values={"name": "Q", "queryText": "SELECT 1", "catalogId": catalog.pk}, team_ids=[team.pk]
    )
    run = run_create(principal=author, job=make_job(author, team, runs_cluster, config={"sql": {"queryId": query.pk}}))

    executed = plan(run)

    assert executed.target is None and executed.query_text == "SELECT 1"
    assert executed.config["lakesail"]["catalog.default_catalog"] == "lake"
    assert executed.config["lakesail"]["catalog.list"] == [
        {"name": "lake", "type": "memory", "initial_database": ["sales"]}
    ]


@pytest.mark.django_db
def test_a_run_on_a_cluster_that_stopped_serving_cannot_execute(author, team, runs_cluster):
    run = run_create(principal=author, job=make_job(author, team, runs_cluster))
    ProvisionedCluster.objects.filter(pk=runs_cluster.provisioned_cluster_id).update(iac_outputs={})
    with pytest.raises(RunNotExecutable, match="cluster is not active"):
        plan(run)


@pytest.mark.django_db
def test_the_reporter_acts_only_while_its_worker_owns_the_attempt(author, team, runs_cluster):
    run = started(author, team, runs_cluster)
    mine = DatabaseRunReporter(run_id=run.pk, attempt=run.attempt, worker="host:1")
    stranger = DatabaseRunReporter(run_id=run.pk, attempt=run.attempt, worker="host:2")
    assert claim(run.pk, run.attempt, "host:2") is None  # a duplicate task finds it claimed

    stranger.transition(RunStatus.CREATING_RUNNER, at=clock.now())
    assert JobRun.objects.get(pk=run.pk).status == S.STARTING
    assert (mine.cancel_requested(), stranger.cancel_requested()) == (False, True)
    mine.transition(RunStatus.STARTING, at=clock.now())  # the runner's first report: where the dispatcher left it
    mine.transition(RunStatus.CREATING_RUNNER, at=clock.now())
    assert JobRun.objects.get(pk=run.pk).status == S.CREATING_RUNNER

    JobRun.objects.filter(pk=run.pk).update(cancel_requested_at=clock.now())
    assert mine.cancel_requested() is True
    JobRun.objects.filter(pk=run.pk).delete()  # deleting a job deletes its runs: the runner must stop
    assert mine.cancel_requested() is True
    mine.finish(RunResult(status=RunStatus.SUCCEEDED))  # nothing left to record, and no error


@pytest.mark.django_db
def test_a_failure_with_retries_left_goes_back_pending_after_a_backoff(author, team, runs_cluster, settings):
    settings.RUNS_RETRY_BASE_SECONDS, settings.RUNS_RETRY_MAX_SECONDS = 10, 25
    assert [retry_delay(n) for n in range(4)] == [10, 20, 25, 25]
    with clock.frozen(START):
        run = started(author, team, runs_cluster, config={"sql": {"source": "SELECT 1"}, "lakesail": {"maxRetries": 1}})
        DatabaseRunReporter(run_id=run.pk, attempt=1, worker="host:1").finish(
            RunResult(status=RunStatus.FAILED, status_message="boom")
        )
    run.refresh_from_db()
    assert (run.status, run.pending_reason, run.attempt, run.auto_retries) == (
        S.PENDING,
        PendingReason.RETRY_BACKOFF,
        2,
        1,
    )
    assert run.not_before == START + dt.timedelta(seconds=10)
    failed = OutboxEvent.objects.get(event_type="run.failed", resource_id=run.pk)
    assert (failed.payload["willRetry"], failed.payload["message"]) == (True, "boom")


@pytest.mark.django_db
def test_the_sweep_fails_silent_runs_and_sends_again_the_task_of_a_run_no_worker_took(
    author, team, runs_cluster, settings
):
    settings.RUNS_LOST_SECONDS = 60
    with clock.frozen(START) as c:
        silent = started(author, team, runs_cluster)
        waiting = run_create(principal=author, job=make_job(author, team, runs_cluster, key="waiting"))
        dispatch()
        c.advance(seconds=59)
        assert sweep_lost_runs() == []
        c.advance(seconds=2)
        assert sweep_lost_runs() == [silent.pk]
    silent.refresh_from_db()
    assert (silent.status, silent.retryable) == (S.FAILED, True)
    assert silent.status_message == "The worker executing the run (host:1) was lost: no heartbeat for 60 s."
    waiting.refresh_from_db()
    assert waiting.status == S.STARTING and waiting.heartbeat_at == START + dt.timedelta(seconds=61)


@pytest.mark.django_db
def test_a_lost_server_fails_only_the_attempt_whose_worker_started_it(author, team, runs_cluster):
    run = started(author, team, runs_cluster)

    def lost(supervisor_pid: int) -> None:
        server = SailProcess.objects.create(
            purpose="run", run_id=run.pk, config_hash="x", hostname="host", boot_id="b", supervisor_pid=supervisor_pid,
            supervisor_created_at=0.0, work_dir="/tmp", log_path="/tmp/log",
        )  # fmt: skip
        payload = {"runId": run.pk, "clusterId": "", "status": "reaped", "message": "gone."}
        run_server_lost(SimpleNamespace(resource_id=server.pk, payload=payload))

    lost(supervisor_pid=2)  # an earlier attempt's worker's server, reaped late
    assert JobRun.objects.get(pk=run.pk).status == S.STARTING
    lost(supervisor_pid=1)
    run.refresh_from_db()
    assert (run.status, run.retryable, run.status_message) == (
        S.FAILED,
        True,
        "The run's Sail server was lost: gone.",
    )
    lost(supervisor_pid=1)  # the event delivered twice: nothing more happens
    assert OutboxEvent.objects.filter(event_type="run.failed", resource_id=run.pk).count() == 1
