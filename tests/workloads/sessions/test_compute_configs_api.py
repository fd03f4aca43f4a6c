import pytest

from apps.core.audit import AuditEvent
from apps.org.services.teams import team_create
from apps.workloads.models import ComputeConfig
from apps.workloads.sail_settings import sail_config
from apps.workloads.services.compute_configs import compute_config_create, compute_config_update
from tests.workloads.sessions.conftest import join, running_cluster

pytestmark = pytest.mark.django_db


def _body(cluster, team, **extra):
    return {"name": "Wide", "workloadType": "spark_connect", "clusterId": cluster.pk, "teamId": team.pk, **extra}


@pytest.fixture
def bob_api(api_as, bob, acme):
    return api_as(bob, acme)


def test_a_team_member_creates_a_config_in_the_reference_shape(bob_api, cluster, data_team):
    sail = {"executionMode": "cluster", "compute": {"worker": {"maxNodes": 3}}, "extraEnv": {"SAIL_PARQUET__X": "1"}}
    response = bob_api.post("/workloads/compute-configs", _body(cluster, data_team, config={"sail": sail}))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["workloadType"], body["clusterId"], body["teamId"]) == ("spark_connect", cluster.pk, data_team.pk)
    assert body["config"]["sail"]["compute"]["worker"]["maxNodes"] == 3
    assert body["config"]["sail"]["lakesailImageUri"] is None and body["endpointLimits"] == {"spark_connect": None}
    assert bob_api.get(f"/workloads/compute-configs/{body['id']}").json() == body
    assert ComputeConfig.objects.get(pk=body["id"]).is_default  # the team's first
    assert AuditEvent.objects.filter(action="compute_config.create", target_id=body["id"]).exists()


def test_its_sail_settings_become_the_servers():
    sail = {
        "executionMode": "cluster",
        "compute": {"worker": {"maxNodes": 3, "instanceType": "local.1cpu"}},
        "extraEnv": {"SAIL_EXECUTION__BATCH_SIZE": "8192", "SAIL_CATALOG__DEFAULT_DATABASE": "analytics"},
    }
    assert sail_config(sail) == {
        "mode": "local-cluster",
        "cluster.worker_initial_count": 3,
        "cluster.worker_max_count": 3,
        "cluster.worker_task_slots": 1,
        "execution.batch_size": 8192,
        "catalog.default_database": "analytics",
    }
    assert sail_config({}) == {"mode": "local"}


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"workloadType": "notebook"}, "workloadType"),
        ({"clusterId": "NOSUCHCLUS"}, "clusterId"),
        ({"name": "  "}, "name"),
        ({"config": {"sail": {"executionMode": "turbo"}}}, "config.sail.executionMode"),
        ({"config": {"sail": {"extraEnv": {"PATH": "/tmp"}}}}, "config.sail.extraEnv.PATH"),
        ({"config": {"sail": {"extraEnv": {"SAIL_MODE": "local"}}}}, "config.sail.extraEnv.SAIL_MODE"),
        ({"config": {"sail": {"compute": {"worker": {"maxNodes": 500}}}}}, "config.sail.compute.worker.maxNodes"),
        (
            {"config": {"sail": {"compute": {"driver": {"instanceType": "c8g.2xlarge"}}}}},
            "config.sail.compute.driver.instanceType",
        ),
        ({"config": {"sail": {"libraries": [{"whl": "x.whl"}]}}}, "config.sail.libraries"),
        ({"endpointLimits": {"spark_connect": -1}}, "endpointLimits.spark_connect"),
    ],
)
def test_it_refuses_an_invalid_config(bob_api, cluster, data_team, extra, field):
    response = bob_api.post("/workloads/compute-configs", _body(cluster, data_team, **extra))
    assert response.status_code == 400, response.json()
    assert field in response.json()["details"]["fieldErrors"]
    assert not ComputeConfig.objects.exists()


def test_names_are_unique_in_a_team(bob_api, cluster, data_team, spark_config):
    response = bob_api.post("/workloads/compute-configs", _body(cluster, data_team, name="small"))
    assert response.status_code == 409 and response.json()["code"] == "compute_config_exists"


def test_members_see_their_teams_configs_and_never_inline_ones(api, bob_api, bob, owner, cluster, spark_config):
    other_team = team_create(principal=owner, name="Finance")
    other_cluster = running_cluster(owner, other_team, name="Finance")
    finance = compute_config_create(
        principal=owner, name="Ledger", workload_type="job", cluster_id=other_cluster.pk, team_id=other_team.pk
    )
    inline = compute_config_create(
        principal=owner,
        name="",
        workload_type="spark_connect",
        cluster_id=cluster.pk,
        team_id=spark_config.team_id,
        anonymous=True,
    )
    assert [c["id"] for c in bob_api.get("/workloads/compute-configs").json()["items"]] == [spark_config.pk]
    assert bob_api.get(f"/workloads/compute-configs/{finance.pk}").status_code == 404
    assert bob_api.get(f"/workloads/compute-configs/{inline.pk}").status_code == 200  # found by id, never listed
    every = {c["id"] for c in api.get("/workloads/compute-configs").json()["items"]}
    assert every == {spark_config.pk, finance.pk}
    by_team = api.get(f"/workloads/compute-configs?teamId={other_team.pk}").json()["items"]
    assert [c["id"] for c in by_team] == [finance.pk]
    # A member of Finance too, Bob now sees both teams' configs.
    join(owner, other_team, bob)
    assert {c["id"] for c in bob_api.get("/workloads/compute-configs").json()["items"]} == every


def test_a_member_cannot_create_a_config_for_a_team_they_are_not_in(bob_api, owner, cluster):
    other_team = team_create(principal=owner, name="Finance")
    response = bob_api.post("/workloads/compute-configs", _body(cluster, other_team))
    assert response.status_code == 403 and response.json()["details"]["causedBy"] == "CanManageComputeConfigs"


def test_updates_keep_the_immutable_fields_and_move_the_default(owner, cluster, data_team, spark_config):
    wide = compute_config_create(
        principal=owner, name="Wide", workload_type="spark_connect", cluster_id=cluster.pk, team_id=data_team.pk
    )
    assert not wide.is_default
    compute_config_update(principal=owner, compute_config=wide, name="Wider", is_default=True)
    spark_config.refresh_from_db()
    wide.refresh_from_db()
    assert (wide.name, wide.is_default, spark_config.is_default) == ("Wider", True, False)
    record = AuditEvent.objects.get(action="compute_config.update", target_id=wide.pk)
    assert record.changes == {"name": "Wider", "isDefault": True}
