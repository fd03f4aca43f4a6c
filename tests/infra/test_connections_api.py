import pytest

from apps.core.audit import AuditEvent
from apps.infra.models import Cluster, Connection, Network, ProvisionedCluster, ResourceStatus
from apps.infra.services.clusters import cluster_provision
from tests.infra.conftest import mark


def test_it_creates_a_local_connection_pending_verification(api, acme):
    response = api.post("/infra/connections", {"name": "This machine", "provider": "local"})
    assert response.status_code == 201
    body = response.json()
    assert (body["provider"], body["status"], body["providerConfig"]["roleArn"]) == ("local", "pending", None)
    connection = Connection.objects.get(pk=body["id"], organization=acme)
    assert len(connection.external_id) >= 40  # generated, kept encrypted, never on the wire
    assert connection.external_id not in response.content.decode()
    audit = AuditEvent.objects.get(action="connection.create", target_id=connection.pk)
    assert audit.organization_id == acme.pk and audit.changes["provider"] == "local"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "X", "provider": "gcp"}, "provider"),
        (
            {"name": "X", "provider": "local", "providerConfig": {"accountId": "123456789012"}},
            "providerConfig.accountId",
        ),
        ({"name": "", "provider": "local"}, "name"),
        ({"provider": "local"}, "name"),
    ],
)
def test_it_refuses_an_invalid_connection(api, body, field):
    response = api.post("/infra/connections", body)
    assert response.status_code == 400
    assert field in response.json()["details"]["fieldErrors"]
    assert not Connection.objects.exists()


def test_connection_names_are_unique_in_the_organization(api, connection):
    response = api.post("/infra/connections", {"name": "this MACHINE", "provider": "local"})
    assert response.status_code == 409
    assert response.json()["details"]["fieldErrors"] == {"name": "Already taken."}


@pytest.mark.integration
def test_verifying_a_local_connection_runs_sail_and_checks_the_data_directory(api, owner, sail_data_dir):
    created = api.post("/infra/connections", {"name": "Here", "provider": "local"}).json()
    response = api.post(f"/infra/connections/{created['id']}/verify", {})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "active" and "sail 0.7" in body["statusMessage"] and body["lastUsedAt"]
    assert str(sail_data_dir) in body["statusMessage"]
    assert AuditEvent.objects.filter(action="connection.verify", target_id=created["id"]).exists()


def test_it_lists_describes_and_renames_connections(api, connection):
    listed = api.get("/infra/connections?limit=1", max_queries=12).json()
    assert [item["id"] for item in listed["items"]] == [connection.pk] and "marker" not in listed
    assert api.get(f"/infra/connections/{connection.pk}").json()["name"] == "This machine"
    renamed = api.patch(f"/infra/connections/{connection.pk}", {"name": "Laptop"}).json()
    assert (renamed["name"], renamed["status"]) == ("Laptop", "active")


def test_the_connections_list_pages_by_marker(api, owner):
    from apps.infra.services.connections import connection_create

    for name in ("B", "A", "C"):
        connection_create(principal=owner, name=name, provider="local")
    first = api.get("/infra/connections?limit=2").json()
    second = api.get(f"/infra/connections?limit=2&marker={first['marker']}").json()
    assert [i["name"] for i in first["items"] + second["items"]] == ["A", "B", "C"]
    assert "marker" not in second


def test_what_the_local_provider_offers(api, connection):
    base = f"/infra/connections/{connection.pk}"
    regions = api.get(f"{base}/regions").json()["items"]
    assert regions == [{"provider": "local", "regionCode": "local", "regionName": "This machine", "group": "local"}]
    types = api.get(f"{base}/instance-types").json()
    assert types["items"][0]["instanceType"] == "local.1cpu" and types["metadata"]["provider"] == "local"
    assert all(t["allocatableMilliCpu"] == t["vCpus"] * 1000 for t in types["items"])
    import psutil

    largest = api.get(f"{base}/instance-types?minVCpus={psutil.cpu_count()}").json()["items"]
    assert [t["vCpus"] for t in largest] == [psutil.cpu_count()]
    assert api.get(f"{base}/instance-types?architecture=sparc").status_code == 400
    assert api.get(f"{base}/instance-types?region=us-east-1").json()["details"]["fieldErrors"]["region"]
    networks = api.get(f"{base}/provider-networks").json()["items"]
    assert [(n["vpcId"], n["cidr"]) for n in networks] == [("loopback", "127.0.0.0/8")]


@pytest.mark.parametrize("path", ["template", "template/download"])
def test_templates_do_not_apply_to_local(api, connection, path):
    response = api.get(f"/infra/connections/{connection.pk}/{path}")
    assert response.status_code == 409
    assert response.json()["code"] == "not_applicable" and "local" in response.json()["message"]


def test_a_template_sync_does_not_apply_to_local(api, connection):
    response = api.post(f"/infra/connections/{connection.pk}/sync-template")
    assert response.status_code == 409 and response.json()["code"] == "not_applicable"


def test_a_connection_that_still_provisions_something_cannot_be_deleted(api, owner, connection, network, cluster):
    mark(cluster, ResourceStatus.FAILED)  # a failed cluster may still hold infrastructure
    response = api.delete(f"/infra/connections/{connection.pk}")
    assert response.status_code == 409
    message = response.json()["message"]
    assert "cluster Analytics (failed)" in message and "network Loopback (active)" in message
    assert Connection.objects.filter(pk=connection.pk).exists()


def test_deleting_a_connection_takes_its_empty_records_along(api, owner, connection, network, cluster):
    cluster_provision(principal=owner, cluster=cluster)
    mark(cluster, ResourceStatus.DESTROYED)
    mark(network, ResourceStatus.DESTROYED)
    assert api.delete(f"/infra/connections/{connection.pk}").status_code == 204
    assert not Connection.objects.exists() and not Network.objects.exists()
    assert not ProvisionedCluster.objects.exists() and not Cluster.objects.exists()
    audit = AuditEvent.objects.get(action="connection.delete")
    assert audit.changes["clusterIds"] == [cluster.pk] and audit.changes["networkIds"] == [network.pk]


def test_changing_the_configuration_asks_for_a_new_verification(api, connection):
    response = api.patch(
        f"/infra/connections/{connection.pk}", {"providerConfig": {"roleArn": "arn:aws:iam::1:role/x"}}
    )
    assert response.status_code == 400  # the local provider takes no configuration
    assert response.json()["details"]["fieldErrors"] == {
        "providerConfig.roleArn": "The local provider takes no configuration."
    }


def test_another_organization_cannot_see_or_change_a_connection(api_as, charlie, globex, connection):
    stranger = api_as(charlie, globex)
    assert stranger.get(f"/infra/connections/{connection.pk}").status_code == 404
    assert stranger.delete(f"/infra/connections/{connection.pk}").status_code == 404
    assert stranger.get("/infra/connections").json()["items"] == []
    assert Connection.objects.filter(pk=connection.pk).exists()


def test_a_member_sees_connections_but_cannot_manage_them(api_as, bob, acme, connection):
    member = api_as(bob, acme)
    assert [c["id"] for c in member.get("/infra/connections").json()["items"]] == [connection.pk]
    response = member.patch(f"/infra/connections/{connection.pk}", {"name": "Mine"})
    assert response.status_code == 403 and response.json()["details"]["causedBy"] == "CanManageConnections"
    assert member.get(f"/infra/connections/{connection.pk}/template").status_code == 403
