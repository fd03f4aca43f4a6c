import pytest

from apps.core.audit import AuditEvent
from apps.core.operations import Operation
from apps.infra.models import Network, ResourceStatus
from tests.infra.conftest import mark


def test_it_creates_a_network_through_an_active_connection(api, connection):
    response = api.post(f"/infra/connections/{connection.pk}/networks", {"name": "Lab", "region": "local"})
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["region"], body["connectionId"]) == ("pending", "local", connection.pk)
    assert body["iacState"]["projectName"] == "lakesail-network"
    assert AuditEvent.objects.filter(action="network.create", target_id=body["id"]).exists()


def test_a_network_needs_an_active_connection(api, connection):
    mark(connection, "pending")
    response = api.post(f"/infra/connections/{connection.pk}/networks", {"name": "Lab", "region": "local"})
    assert response.status_code == 409 and response.json()["code"] == "connection_not_active"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Lab", "region": "us-east-1"}, "region"),
        ({"name": "Lab", "region": "local", "config": {"cidr": "10.0.0.0/16"}}, "config.cidr"),
        ({"name": "Lab", "region": "local", "config": {"cidr": "not a cidr"}}, "config.cidr"),
        ({"name": "Lab"}, "region"),
    ],
)
def test_it_refuses_an_invalid_network(api, connection, body, field):
    response = api.post(f"/infra/connections/{connection.pk}/networks", body)
    assert response.status_code == 400
    assert field in response.json()["details"]["fieldErrors"]
    assert not Network.objects.exists()


def test_network_lists_include_connections_clusters_and_operations(api, owner, connection, network, cluster):
    from apps.infra.services.networks import network_create

    other = network_create(principal=owner, connection=connection, name="Second", region="local")
    for path in ("/infra/networks", f"/infra/connections/{connection.pk}/networks"):
        body = api.get(path, max_queries=14).json()
        assert [n["name"] for n in body["items"]] == ["Loopback", "Second"]
        assert [c["id"] for c in body["included"]["connections"]] == [connection.pk]
        assert [c["id"] for c in body["included"]["clusters"]] == [cluster.pk]
    described = api.get(f"/infra/connections/{connection.pk}/networks/{other.pk}").json()
    assert described["item"] == {"id": other.pk, "connectionId": connection.pk}
    assert described["included"]["clusters"] == []


def test_provisioning_a_network_starts_an_operation(api, connection, network):
    mark(network, ResourceStatus.PENDING)
    response = api.post(f"/infra/connections/{connection.pk}/networks/{network.pk}/provision")
    assert response.status_code == 202
    operation = response.json()
    assert (operation["operation"], operation["status"], operation["resourceId"]) == (
        "network.provision",
        "pending",
        network.pk,
    )
    network.refresh_from_db()
    assert network.status == "provisioning" and network.last_operation_id == operation["id"]
    listed = api.get("/infra/networks").json()
    assert [o["id"] for o in listed["included"]["operations"]] == [operation["id"]]
    again = api.post(f"/infra/connections/{connection.pk}/networks/{network.pk}/provision")
    assert again.status_code == 409  # one operation at a time


def test_renaming_a_network_and_refusing_a_new_cidr_once_provisioned(api, connection, network):
    path = f"/infra/connections/{connection.pk}/networks/{network.pk}"
    assert api.patch(path, {"name": "Renamed"}).json()["name"] == "Renamed"
    response = api.patch(path, {"config": {"cidr": "127.1.0.0/16"}})
    assert response.status_code == 409 and response.json()["code"] == "network_not_editable"


def test_a_network_with_clusters_cannot_be_destroyed(api, connection, network, cluster):
    response = api.delete(f"/infra/connections/{connection.pk}/networks/{network.pk}")
    assert response.status_code == 409
    assert response.json()["code"] == "network_in_use" and "Analytics (pending)" in response.json()["message"]
    assert Network.objects.get(pk=network.pk).status == "active"


def test_destroying_a_network_keeps_its_record_until_deleted(api, connection, network):
    assert api.delete(f"/infra/networks/{network.pk}").status_code == 409  # still active
    response = api.delete(f"/infra/connections/{connection.pk}/networks/{network.pk}")
    assert response.status_code == 202 and response.json()["operation"] == "network.destroy"
    assert Network.objects.get(pk=network.pk).status == "destroying"
    assert api.delete(f"/infra/networks/{network.pk}").json()["code"] == "network_not_destroyed"
    mark(network, ResourceStatus.DESTROYED)
    assert api.delete(f"/infra/networks/{network.pk}").status_code == 204
    assert not Network.objects.filter(pk=network.pk).exists()


def test_a_network_of_another_connection_is_not_found_under_this_one(api, owner, connection, network):
    from apps.infra.services.connections import connection_create

    other = mark(connection_create(principal=owner, name="Other", provider="local"), "active")
    assert api.get(f"/infra/connections/{other.pk}/networks/{network.pk}").status_code == 404


def test_another_organization_cannot_see_or_change_a_network(api_as, charlie, globex, connection, network):
    stranger = api_as(charlie, globex)
    assert stranger.get("/infra/networks").json()["items"] == []
    assert stranger.delete(f"/infra/networks/{network.pk}").status_code == 404
    path = f"/infra/connections/{connection.pk}/networks/{network.pk}/provision"
    assert stranger.post(path).status_code == 404
    assert not Operation.objects.exists()


def test_a_member_cannot_provision_networks(api_as, bob, acme, connection, network):
    mark(network, ResourceStatus.PENDING)
    response = api_as(bob, acme).post(f"/infra/connections/{connection.pk}/networks/{network.pk}/provision")
    assert response.status_code == 403 and response.json()["details"]["causedBy"] == "CanManageNetworks"
