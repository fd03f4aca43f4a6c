import pytest

from apps.core.audit import AuditEvent
from apps.infra.models import Cluster, ClusterTeam, ProvisionedCluster, ResourceStatus
from apps.infra.services.clusters import cluster_create, cluster_provision
from tests.infra.conftest import WORKERS_2, mark


def _create(api, connection, network, **extra):
    body = {"networkId": network.pk, "name": "Analytics", "config": WORKERS_2, **extra}
    return api.post(f"/infra/connections/{connection.pk}/clusters", body)


def test_it_creates_a_pending_cluster_in_the_network(api, connection, network):
    response = _create(api, connection, network)
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["region"], body["networkId"], body["clusterId"]) == (
        "pending",
        "local",
        network.pk,
        None,
    )
    assert body["config"]["systemNodeGroup"]["desiredSize"] == 2
    assert body["lastHealthStatus"] == "unknown"
    assert AuditEvent.objects.filter(action="cluster.create", target_id=body["id"]).exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"config": {"systemNodeGroup": {"minSize": 3, "maxSize": 2}}}, "config.systemNodeGroup.maxSize"),
        ({"config": {"systemNodeGroup": {"maxSize": 2, "desiredSize": 3}}}, "config.systemNodeGroup.desiredSize"),
        ({"config": {"systemNodeGroup": {"instanceTypes": ["m7g.large"]}}}, "config.systemNodeGroup.instanceTypes"),
        ({"config": {"systemNodeGroup": {"desiredSize": "two"}}}, "config.systemNodeGroup.desiredSize"),
        ({"config": {"publicAccessCidrs": ["nope"]}}, "config.publicAccessCidrs[0]"),
        ({"region": "us-east-1"}, "region"),
        ({"networkId": "NOSUCHNET1"}, "networkId"),
    ],
)
def test_it_refuses_an_invalid_cluster(api, connection, network, extra, field):
    response = _create(api, connection, network, **extra)
    assert response.status_code == 400, response.json()
    assert field in response.json()["details"]["fieldErrors"]
    assert not ProvisionedCluster.objects.exists()


def test_a_cluster_needs_an_active_network(api, connection, network):
    mark(network, ResourceStatus.PROVISIONING)
    response = _create(api, connection, network)
    assert response.status_code == 409 and response.json()["code"] == "network_not_active"


def test_cluster_names_are_unique_in_the_organization(api, connection, network, cluster):
    assert _create(api, connection, network).status_code == 409


def test_provisioning_creates_the_job_facing_cluster(api, connection, cluster):
    response = api.post(f"/infra/connections/{connection.pk}/clusters/{cluster.pk}/provision")
    assert response.status_code == 202 and response.json()["operation"] == "cluster.provision"
    job_facing = Cluster.objects.get(provisioned_cluster=cluster)
    assert (job_facing.name, job_facing.region, job_facing.network_id) == ("Analytics", "local", cluster.network_id)
    described = api.get(f"/infra/clusters/{cluster.pk}").json()
    assert described["item"] == {"id": cluster.pk, "connectionId": connection.pk}
    assert described["included"]["clusters"][0]["clusterId"] == job_facing.pk
    assert described["included"]["operations"][0]["id"] == response.json()["id"]
    mine = api.get(f"/me/clusters/{job_facing.pk}").json()
    assert mine["item"] == {"id": job_facing.pk, "externalClusterId": cluster.pk, "connectionId": connection.pk}
    assert mine["included"]["clusters"][0]["externalStatus"] == "provisioning"
    assert mine["included"]["clusters"][0]["operationId"] == response.json()["id"]


def test_a_cluster_is_provisioned_only_from_pending_failed_or_destroyed(api, connection, active):
    response = api.post(f"/infra/connections/{connection.pk}/clusters/{active.pk}/provision")
    assert response.status_code == 409 and response.json()["code"] == "cluster_not_provisionable"


def test_updating_an_active_cluster_runs_an_update_operation(api, owner, connection, cluster):
    cluster_provision(principal=owner, cluster=cluster)
    mark(cluster, ResourceStatus.ACTIVE)
    path = f"/infra/connections/{connection.pk}/clusters/{cluster.pk}"
    config = {"systemNodeGroup": {"name": "system", "minSize": 1, "maxSize": 3, "desiredSize": 3}}
    response = api.post(path, {"name": "Analytics EU", "config": config})
    assert response.status_code == 202
    assert (response.json()["status"], response.json()["name"]) == ("updating", "Analytics EU")
    job_facing = Cluster.objects.get(provisioned_cluster=cluster)
    assert job_facing.name == "Analytics EU"
    assert job_facing.provisioned_cluster.last_operation.operation == "cluster.update"
    assert api.post(path, {"name": "Again"}).status_code == 409  # busy until the update ends


def test_renaming_a_pending_cluster_needs_no_operation(api, connection, cluster):
    path = f"/infra/connections/{connection.pk}/clusters/{cluster.pk}"
    response = api.post(path, {"config": {"systemNodeGroup": {"desiredSize": 1}}})
    assert response.status_code == 202 and response.json()["status"] == "pending"
    assert ProvisionedCluster.objects.get(pk=cluster.pk).last_operation is None


def test_provisioned_cluster_lists_page_with_total_and_marker_in_constant_queries(api, owner, connection, network):
    for index in range(5):
        cluster_create(principal=owner, connection=connection, network_id=network.pk, name=f"C{index}")
    small = api.get("/infra/clusters?limit=2", max_queries=13).json()
    large = api.get("/infra/clusters?limit=5", max_queries=13).json()
    assert small["total"] == large["total"] == 5 and len(large["included"]["clusters"]) == 5
    rest = api.get(f"/infra/connections/{connection.pk}/clusters?limit=2&marker={small['marker']}").json()
    assert [c["name"] for c in rest["included"]["clusters"]] == ["C2", "C3"]


def test_deleting_a_cluster_record_needs_it_destroyed(api, owner, connection, active):
    response = api.delete(f"/infra/clusters/{active.pk}")
    assert response.status_code == 409 and response.json()["code"] == "cluster_not_destroyed"
    destroy = api.delete(f"/infra/connections/{connection.pk}/clusters/{active.pk}")
    assert destroy.status_code == 202 and destroy.json()["operation"] == "cluster.destroy"
    assert ProvisionedCluster.objects.get(pk=active.pk).status == "destroying"
    mark(active, ResourceStatus.DESTROYED)
    assert api.delete(f"/infra/clusters/{active.pk}").status_code == 204
    assert AuditEvent.objects.filter(action="cluster.delete", target_id=active.pk).exists()


def test_a_pending_cluster_has_nothing_to_destroy(api, connection, cluster):
    response = api.delete(f"/infra/connections/{connection.pk}/clusters/{cluster.pk}")
    assert response.status_code == 409 and response.json()["code"] == "cluster_not_destroyable"


def test_kubeconfig_does_not_apply_to_local(api, connection, active):
    response = api.get(f"/infra/connections/{connection.pk}/clusters/{active.pk}/kubeconfig")
    assert response.status_code == 409 and response.json()["code"] == "not_applicable"


def test_health_of_a_cluster_whose_server_is_gone_is_unhealthy(api, connection, active):
    body = api.get(f"/infra/connections/{connection.pk}/clusters/{active.pk}/health").json()
    assert (body["status"], body["readyNodes"], body["totalNodes"]) == ("unhealthy", 0, 2)
    active.refresh_from_db()
    assert active.last_health_status == "unhealthy" and active.last_health_check_at is not None


@pytest.mark.parametrize("period", ["0h", "8d", "1w", "2m", "-1h"])
def test_metrics_refuse_a_period_outside_the_retention(api, connection, active, period):
    response = api.get(f"/infra/connections/{connection.pk}/clusters/{active.pk}/metrics?period={period}")
    assert response.status_code == 400 and "period" in response.json()["details"]["fieldErrors"]


def test_teams_reach_a_cluster_through_its_team_links(api, api_as, bob, acme, owner, connection, cluster, data_team):
    cluster_provision(principal=owner, cluster=cluster)
    job_facing = Cluster.objects.get(provisioned_cluster=cluster)
    member = api_as(bob, acme)
    assert member.get("/me/clusters").json()["items"] == []
    assert member.get(f"/me/clusters/{job_facing.pk}").status_code == 404
    assert member.get(f"/infra/clusters/{cluster.pk}").status_code == 404

    added = api.post(f"/infra/clusters/{cluster.pk}/teams", {"teamIds": [data_team.pk]})
    assert added.status_code == 201
    assert added.json()["items"][0] == {**added.json()["items"][0], "clusterId": cluster.pk, "teamId": data_team.pk}
    teams = api.get(f"/infra/clusters/{cluster.pk}/teams").json()
    assert teams["total"] == 1 and teams["items"][0]["team"]["id"] == data_team.pk

    assert member.get("/me/clusters").json()["items"] == []  # Bob is not in the team yet
    from apps.org.models import Member, TeamRole
    from apps.org.services.teams import team_member_add

    role = TeamRole.objects.get(organization=acme, key="team_member")
    team_member_add(principal=owner, team=data_team, member=Member.objects.get(user=bob), role_ids=[role.pk])
    mine = api_as(bob, acme).get("/me/clusters", max_queries=12).json()
    assert [c["id"] for c in mine["included"]["clusters"]] == [job_facing.pk]
    assert member.post(f"/infra/clusters/{cluster.pk}/teams", {"teamIds": [data_team.pk]}).status_code == 403

    assert api.delete(f"/infra/clusters/{cluster.pk}/teams/{data_team.pk}").status_code == 204
    assert not ClusterTeam.objects.exists()
    assert api_as(bob, acme).get("/me/clusters").json()["total"] == 0
    assert api.delete(f"/infra/clusters/{cluster.pk}/teams/{data_team.pk}").status_code == 404


def test_adding_unknown_teams_is_refused(api, cluster):
    response = api.post(f"/infra/clusters/{cluster.pk}/teams", {"teamIds": ["NOSUCHTEAM"]})
    assert response.status_code == 400 and "teamIds" in response.json()["details"]["fieldErrors"]


def test_me_clusters_sorts_by_name(api, owner, connection, network):
    for name in ("b", "C", "a"):
        created = cluster_create(principal=owner, connection=connection, network_id=network.pk, name=name)
        cluster_provision(principal=owner, cluster=created)
    body = api.get("/me/clusters?sortDirection=desc&limit=2").json()
    assert body["total"] == 3 and [c["name"] for c in body["included"]["clusters"]] == ["b", "a"]
    assert api.get("/me/clusters?sortBy=region").status_code == 400


def test_another_organization_cannot_see_or_change_a_cluster(api_as, charlie, globex, owner, connection, cluster):
    cluster_provision(principal=owner, cluster=cluster)
    stranger = api_as(charlie, globex)
    assert stranger.get("/infra/clusters").json()["total"] == 0
    assert stranger.get("/me/clusters").json()["total"] == 0
    job_facing = Cluster.objects.get(provisioned_cluster=cluster)
    assert stranger.get(f"/me/clusters/{job_facing.pk}").status_code == 404
    assert stranger.delete(f"/infra/clusters/{cluster.pk}").status_code == 404
    assert stranger.post(f"/infra/clusters/{cluster.pk}/teams", {"teamIds": ["X"]}).status_code == 404
    assert ProvisionedCluster.objects.filter(pk=cluster.pk).exists()
