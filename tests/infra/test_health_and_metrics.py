from datetime import timedelta

import pytest

from apps.core import clock
from apps.core.events import OutboxEvent, deliver_pending
from apps.infra import hooks
from apps.infra.models import Cluster, ClusterMetricSample, ProvisionedCluster, ResourceStatus
from apps.infra.services.clusters import cluster_provision
from apps.infra.services.health import check_active_clusters, record_health
from apps.infra.services.metrics import sample_cluster_metrics
from tests.infra.conftest import mark


@pytest.fixture
def running(owner, cluster) -> ProvisionedCluster:
    """A provisioned cluster (job-facing one included) whose server is not there: the local provider sees it."""
    cluster_provision(principal=owner, cluster=cluster)
    return mark(cluster, ResourceStatus.ACTIVE)


def _events(kind: str) -> list[dict]:
    return [e.payload for e in OutboxEvent.objects.filter(event_type=kind).order_by("occurred_at", "id")]


def test_a_running_cluster_that_turns_unhealthy_and_recovers_is_announced_once_each(running):
    assert check_active_clusters() == 1  # the local provider finds no server for it
    running.refresh_from_db()
    assert running.last_health_status == "unhealthy" and "No Sail server" in running.last_health_message
    check_active_clusters()
    assert len(_events("cluster.unhealthy")) == 1  # a state, not every check
    event = OutboxEvent.objects.get(event_type="cluster.unhealthy")
    assert event.resource_id == Cluster.objects.get(provisioned_cluster=running).pk

    record_health(cluster_id=running.pk, status="healthy", message="Serving")
    record_health(cluster_id=running.pk, status="healthy", message="Serving")
    assert [e["health"] for e in _events("cluster.recovered")] == ["healthy"]


def test_a_lost_server_marks_its_cluster_unhealthy_at_once(running):
    from apps.core.events import publish
    from apps.infra.models import SailProcess

    row = SailProcess.objects.create(
        purpose="test",
        cluster_id=running.pk,
        config_hash="x",
        hostname="h",
        boot_id="b",
        supervisor_pid=1,
        supervisor_created_at=0.0,
        work_dir="",
        log_path="",
    )
    publish("sail_process.lost", row, {"clusterId": running.pk, "message": "The Sail server exited unexpectedly."})
    deliver_pending()
    running.refresh_from_db()
    assert (running.last_health_status, running.last_health_message) == (
        "unhealthy",
        "The Sail server exited unexpectedly.",
    )


def test_clusters_that_are_not_running_are_not_checked(cluster):
    assert check_active_clusters() == 0
    record_health(cluster_id=cluster.pk, status="unhealthy", message="x")
    assert ProvisionedCluster.objects.get(pk=cluster.pk).last_health_status == "unknown"


def test_the_sampler_records_active_runs_from_the_workloads_hook_and_prunes_old_samples(running):
    job_facing = Cluster.objects.get(provisioned_cluster=running)
    old = ClusterMetricSample.objects.create(cluster=running, at=clock.now() - timedelta(days=8), active_runs=9)
    hooks.set_active_runs_counter(lambda ids: {job_facing.pk: 3})
    try:
        assert sample_cluster_metrics() == 1
    finally:
        hooks.set_active_runs_counter(None)
    sample = ClusterMetricSample.objects.get(cluster=running)
    assert (sample.active_runs, sample.cpu_percent, sample.memory_mib) == (3, None, None)  # no server to measure
    assert not ClusterMetricSample.objects.filter(pk=old.pk).exists()


def test_metrics_are_averaged_per_bucket_and_cost_accrues_while_running(api, settings, connection, running):
    settings.LOCAL_CLUSTER_HOURLY_PRICE_USD = 0.36  # 0.003 per 30-second sample
    with clock.frozen() as frozen:
        start = frozen.now()
        for offset, cpu in ((0, 10.0), (30, 30.0), (300, None)):
            ClusterMetricSample.objects.create(
                cluster=running,
                at=start + timedelta(seconds=offset),
                cpu_percent=cpu,
                memory_mib=None if cpu is None else 100.0,
                active_runs=1,
            )
        frozen.advance(minutes=10)  # within the login's idle timeout
        body = api.get(f"/infra/connections/{connection.pk}/clusters/{running.pk}/metrics?period=1h").json()
    assert [p["value"] for p in body["cpuUtilization"]] == [20.0]  # two samples in one minute-bucket
    assert [p["value"] for p in body["memoryUtilization"]] == [100.0]
    assert sum(p["value"] for p in body["estimatedCost"]) == pytest.approx(0.006)  # not while the server was gone
    assert [p["value"] for p in body["activeJobCount"]] == [1.0, 1.0]
    assert body["cpuUtilization"][0]["timestamp"].endswith("Z")
