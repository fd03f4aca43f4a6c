"""Runs: jobs on a cluster whose Spark Connect endpoint is a given Sail server (the session's, in integration tests).

Fixtures here are shared by the API and the execution tests: add, do not change what others use.
"""

import time
from typing import Any

import pytest

from apps.infra.models import Cluster, ProvisionedCluster
from apps.workloads.models import Job
from apps.workloads.services.jobs import job_create
from tests.workloads.conftest import SQL_CONFIG
from tests.workloads.sessions.conftest import running_cluster

# Nothing listens there: enough for a cluster the dispatcher considers active.
UNREACHABLE = "sc://127.0.0.1:9"


def serving_cluster(owner, team, *, url: str = UNREACHABLE, name: str = "Runs") -> Cluster:
    """An active cluster shared with `team` whose server is at `url` (provisioning is the infra tests' business:
    nothing is enqueued, so a test worker never provisions it for real)."""
    cluster = running_cluster(owner, team, name=name)
    ProvisionedCluster.objects.filter(pk=cluster.provisioned_cluster_id).update(iac_outputs={"sparkConnectUrl": url})
    return cluster


def make_job(owner, team, cluster: Cluster, *, key: str = "nightly", config: dict | None = None, **fields: Any) -> Job:
    """A job of `team` on `cluster` with version 1 published (`fields` by wire name: maxConcurrentRuns, dependsOn…)."""
    return job_create(
        principal=owner,
        job_key=key,
        team_ids=[team.pk],
        fields={"clusterId": cluster.pk, "config": config or SQL_CONFIG, **fields},
    )


@pytest.fixture
def runs_cluster(author, team) -> Cluster:
    return serving_cluster(author, team)


# --- Execution: a real worker and the session's Sail server ---

# A worker of these tests beats and backs off fast, and prices its cluster (so runs have an estimatedCost).
WORKER_ENV = {
    "RUNS_HEARTBEAT_SECONDS": "0.5",
    "RUNS_RETRY_BASE_SECONDS": "0.2",
    "LOCAL_CLUSTER_HOURLY_PRICE_USD": "3.6",
}


@pytest.fixture(scope="module")
def _module_runs_worker(django_db_setup, django_db_blocker, sail_data_dir, tmp_path_factory):
    """One worker for a test module (a session worker would not have WORKER_ENV)."""
    from tests.plugins.celery_worker import WorkerProcess, _test_database_url

    with django_db_blocker.unblock():
        database_url = _test_database_url()
    worker = WorkerProcess(
        database_url=database_url, log_path=tmp_path_factory.mktemp("runs-worker") / "worker.log", env=WORKER_ENV
    )
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()


@pytest.fixture
def runs_worker(_module_runs_worker, transactional_db):
    """The module's worker takes the tasks this test sends (its rows are committed: the worker sees them)."""
    from lakesail_console.celery import app

    previous = app.conf.task_default_queue
    app.conf.task_default_queue = _module_runs_worker.queue
    try:
        yield _module_runs_worker
    finally:
        settle(app, _module_runs_worker.queue)
        app.conf.task_default_queue = previous


def settle(app: Any, queue: str, timeout: float = 20.0) -> None:
    """Let the worker finish what the test sent before the test database is flushed: a task holding row locks while
    the flush's TRUNCATE takes its table locks deadlocks the two (seen on PostgreSQL)."""
    from apps.workloads.models import EXECUTING_RUN_STATUSES, JobRun

    deadline = time.monotonic() + timeout
    with app.connection_for_write() as connection:
        while time.monotonic() < deadline:
            try:
                waiting = connection.default_channel.queue_declare(queue, passive=True).message_count
            except connection.channel_errors:  # Redis: an empty queue does not exist
                waiting = 0
            if not waiting and not JobRun.objects.filter(status__in=EXECUTING_RUN_STATUSES).exists():
                break
            time.sleep(0.2)
    time.sleep(0.5)  # the task taken last commits


@pytest.fixture
def sail_cluster(author, team, sail_server) -> Cluster:
    """An active cluster whose long-running server is the session's Sail server."""
    return serving_cluster(author, team, url=sail_server.remote, name="Sail")
