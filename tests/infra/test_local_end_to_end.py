"""The local provider end to end, with a real Celery worker and real Sail: connection → verify → network →
provision → cluster of two workers → provision (its worker killed mid-way, the operation resumed by beat) → health →
SQL through the cluster's Spark Connect endpoint → metrics → destroy → nothing left running → records deleted."""

import pytest
from pyspark.sql import SparkSession

from apps.core import clock
from apps.core.events import OutboxEvent
from apps.core.operations import Operation
from apps.infra import hooks
from apps.infra.models import Cluster, SailProcess
from apps.infra.providers.local.process import marked_processes
from apps.infra.runner import resume_stale_operations
from apps.infra.selectors.clusters import cluster_spark_endpoint
from apps.infra.services.metrics import sample_cluster_metrics
from tests.infra.conftest import WORKERS_2
from tests.plugins.celery_worker import wait_for
from tests.plugins.sail import SESSION_LABEL

pytestmark = pytest.mark.integration


def _finished(operation_id: str, worker) -> Operation:
    done = wait_for(lambda: Operation.objects.get(pk=operation_id).is_terminal, timeout=120)
    operation = Operation.objects.get(pk=operation_id)
    assert done and operation.status == "succeeded", (operation.error, worker.log_path.read_text()[-3000:])
    return operation


def _server_step_running(operation_id: str) -> bool:
    resources = Operation.objects.get(pk=operation_id).progress["resources"]
    return any(r["urn"] == "lakesail:local:cluster:server" and r["status"] == "running" for r in resources)


def test_a_local_cluster_from_connection_to_deletion(restartable_celery_worker, api, acme, alice, settings):
    settings.LOCAL_CLUSTER_HOURLY_PRICE_USD = 1.2
    worker = restartable_celery_worker()

    connection = api.post("/infra/connections", {"name": "This machine", "provider": "local"}).json()
    assert connection["status"] == "pending"
    base = f"/infra/connections/{connection['id']}"
    verified = api.post(f"{base}/verify", {}).json()
    assert verified["status"] == "active", verified["statusMessage"]

    network = api.post(f"{base}/networks", {"name": "Loopback", "region": "local"}).json()
    operation = api.post(f"{base}/networks/{network['id']}/provision").json()
    _finished(operation["id"], worker)
    assert api.get(f"{base}/networks/{network['id']}").json()["included"]["networks"][0]["status"] == "active"

    body = {"networkId": network["id"], "name": "Analytics", "config": WORKERS_2}
    cluster = api.post(f"{base}/clusters", body).json()
    assert cluster["status"] == "pending"
    provision = api.post(f"{base}/clusters/{cluster['id']}/provision").json()

    # The worker dies while it starts the cluster's server; beat finds the operation stale and enqueues it again.
    assert wait_for(lambda: _server_step_running(provision["id"]), timeout=60, interval=0.05), worker.log_path
    worker.kill()
    assert Operation.objects.get(pk=provision["id"]).status == "running"
    with clock.frozen() as frozen:
        frozen.advance(seconds=settings.INFRA_OPERATION_STALE_SECONDS + 1)
        assert resume_stale_operations() == [provision["id"]]
    worker.start()
    finished = _finished(provision["id"], worker)
    resources = {r["urn"]: r["status"] for r in finished.progress["resources"]}
    assert resources == {
        "lakesail:local:cluster:work-dir": "succeeded",
        "lakesail:local:cluster:server": "succeeded",
        "lakesail:local:cluster:health": "succeeded",
    }
    wire = api.get(f"/operations/{provision['id']}").json()
    assert wire["status"] == "succeeded" and wire["progress"]["summary"]["succeeded"] == 3
    servers = SailProcess.objects.filter(cluster_id=cluster["id"], status="running")
    assert servers.count() == 1  # the dead worker's half-started server did not survive next to the new one

    described = api.get(f"{base}/clusters/{cluster['id']}").json()["included"]["clusters"][0]
    assert described["status"] == "active" and described["iacOutputs"]["mode"] == "local-cluster"
    health = api.get(f"{base}/clusters/{cluster['id']}/health").json()
    assert (health["status"], health["readyNodes"], health["totalNodes"]) == ("healthy", 2, 2)

    job_facing = Cluster.objects.get(provisioned_cluster_id=cluster["id"])
    assert _announced("cluster.provisioned") == [job_facing.pk]
    endpoint = cluster_spark_endpoint(cluster_id=job_facing.pk)
    assert endpoint is not None and endpoint.url == described["iacOutputs"]["sparkConnectUrl"]
    spark = SparkSession.builder.remote(endpoint.url).create()
    try:
        rows = spark.range(0, 1000, numPartitions=4).selectExpr("sum(id) AS total").collect()
        answer = spark.sql("SELECT 6 * 7 AS answer").collect()
    finally:
        spark.stop()
    assert rows[0]["total"] == 499500 and answer[0]["answer"] == 42
    mine = api.get("/me/clusters").json()
    assert [item["externalClusterId"] for item in mine["items"]] == [cluster["id"]]

    hooks.set_active_runs_counter(lambda ids: dict.fromkeys(ids, 1))
    try:
        with clock.frozen() as frozen:
            assert sample_cluster_metrics() == 1
            frozen.advance(seconds=30)
            sample_cluster_metrics()
            metrics = api.get(f"{base}/clusters/{cluster['id']}/metrics?period=1h").json()
    finally:
        hooks.set_active_runs_counter(None)
    assert metrics["cpuUtilization"] and all(0 <= p["value"] <= 100 for p in metrics["cpuUtilization"])
    assert metrics["memoryUtilization"] and all(p["value"] > 10 for p in metrics["memoryUtilization"])
    assert sum(p["value"] for p in metrics["estimatedCost"]) == pytest.approx(2 * 1.2 * 30 / 3600)
    assert [p["value"] for p in metrics["activeJobCount"]] == [1.0] * len(metrics["activeJobCount"])

    destroy = api.delete(f"{base}/clusters/{cluster['id']}")
    assert destroy.status_code == 202
    _finished(destroy.json()["id"], worker)
    assert not SailProcess.objects.filter(cluster_id=cluster["id"], status__in=("starting", "running", "stopping"))
    process_ids = set(SailProcess.objects.filter(cluster_id=cluster["id"]).values_list("pk", flat=True))
    assert not [p for p in marked_processes(label=SESSION_LABEL) if p.process_id in process_ids]
    assert api.get(f"/infra/clusters/{cluster['id']}").json()["included"]["clusters"][0]["status"] == "destroyed"
    assert _announced("cluster.destroyed") == [job_facing.pk]
    assert cluster_spark_endpoint(cluster_id=job_facing.pk) is None

    assert api.delete(f"/infra/clusters/{cluster['id']}").status_code == 204
    assert not Cluster.objects.filter(pk=job_facing.pk).exists()
    _finished(api.delete(f"{base}/networks/{network['id']}").json()["id"], worker)
    assert api.delete(f"/infra/networks/{network['id']}").status_code == 204
    assert api.delete(base).status_code == 204


def _announced(event_type: str) -> list[str]:
    return list(OutboxEvent.objects.filter(event_type=event_type).values_list("resource_id", flat=True))
