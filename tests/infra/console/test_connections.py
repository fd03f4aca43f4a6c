"""The infrastructure overview and the connection pages: the wizard (local and aws), verify, the connection's page,
deleting it (typed name; refused while it provisions something), networks' destroy and delete guards."""

import re

import pytest

from apps.infra.models import Connection, Network
from apps.infra.services.clusters import cluster_create
from apps.infra.services.connections import connection_create
from apps.infra.services.networks import network_create
from tests.infra.conftest import mark
from tests.infra.console.conftest import HTMX, text


def test_the_nav_leads_to_the_overview_which_offers_to_connect(console):
    assert 'href="/infra/"' in text(console.get("/"))
    page = text(console.get("/infra/"))
    assert "No connections yet" in page and 'href="/infra/connections/new"' in page
    assert "will appear here" not in page  # the placeholder section is gone


def test_the_overview_lists_connections_networks_and_clusters_with_badges(console, active, network, connection):
    mark(network, "active")
    page = text(console.get("/infra/"))
    assert f'href="/infra/clusters/{active.pk}/"' in page and f'href="/infra/connections/{connection.pk}/"' in page
    assert re.search(r'<span class="badge badge-succeeded">active</span>', page)
    assert "Loopback" in page and "This machine" in page
    filtered = text(console.get("/infra/?status=failed", **HTMX))
    assert "<html" not in filtered and "No clusters match" in filtered


def test_the_overview_costs_the_same_queries_for_three_clusters_as_for_thirty(
    console, owner, connection, network, django_assert_max_num_queries
):
    def add(count: int, start: int) -> None:
        for i in range(start, start + count):
            cluster_create(principal=owner, connection=connection, network_id=network.pk, name=f"c{i:02}")

    add(3, 0)
    # Session, login, membership, grants, connections, networks, the clusters' count and page (with their relations).
    with django_assert_max_num_queries(9) as few:
        assert console.get("/infra/").status_code == 200
    add(27, 3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = text(console.get("/infra/"))
    assert "30 clusters · 1 to 25 shown" in page
    with django_assert_max_num_queries(7):
        assert console.get("/infra/?page=2", **HTMX).status_code == 200
    with django_assert_max_num_queries(8):  # the connection's page lists its networks and clusters: one query each
        assert "c29" in text(console.get(f"/infra/connections/{connection.pk}/"))


def test_the_local_wizard_creates_verifies_and_is_done(console):
    first = text(console.get("/infra/connections/new"))
    assert first.index("Use local") < first.index("Use aws")  # this machine first

    refused = console.post("/infra/connections/new?provider=local", {"name": " "})
    assert refused.status_code == 200 and "This field is required." in text(refused)
    assert not Connection.objects.exists()

    created = console.post("/infra/connections/new?provider=local", {"name": "Laptop"})
    connection = Connection.objects.get()
    assert created["Location"] == f"/infra/connections/{connection.pk}/setup"
    setup = text(console.get(created["Location"]))
    assert "Sail runs on this machine" in setup and "Role ARN" not in setup

    verified = console.post(f"/infra/connections/{connection.pk}/setup", {})
    assert verified["Location"] == f"/infra/connections/{connection.pk}/"
    connection.refresh_from_db()
    assert connection.status == "active", connection.status_message
    done = text(console.get(verified["Location"]))
    assert "Ready." in done and "create a cluster on it" in done


def test_a_taken_name_shows_on_its_field(console, connection):
    page = text(console.post("/infra/connections/new?provider=local", {"name": "this machine"}))
    assert "Already taken." in page and Connection.objects.count() == 1


def test_the_aws_wizard_checks_the_account_then_offers_the_template(console):
    bad = text(console.post("/infra/connections/new?provider=aws", {"name": "Prod", "account_id": "12", "region": "x"}))
    assert "An AWS account id is 12 digits." in bad and "Not a commercial AWS region" in bad
    assert not Connection.objects.exists()

    body = {"name": "Prod", "account_id": "123456789012", "region": "us-east-1"}
    created = console.post("/infra/connections/new?provider=aws", body)
    connection = Connection.objects.get()
    setup = text(console.get(created["Location"]))
    assert "Launch the stack in CloudFormation" in setup and "cloudformation/home" in setup
    assert f'href="/infra/connections/{connection.pk}/template.yaml"' in setup
    assert 'data-infra-copy="param-1"' in setup and connection.external_id in setup  # ExternalId, copyable

    download = console.get(f"/infra/connections/{connection.pk}/template.yaml")
    assert download["Content-Type"].startswith("text/yaml") and "sts:ExternalId" in download.content.decode()

    missing = text(console.post(f"/infra/connections/{connection.pk}/setup", {"role_arn": ""}))
    assert "This field is required." in missing
    wrong = text(console.post(f"/infra/connections/{connection.pk}/setup", {"role_arn": "arn:aws:iam::1:role/x"}))
    assert "Not an IAM role ARN" in wrong
    connection.refresh_from_db()
    assert connection.status == "pending"


def test_a_member_without_the_permission_gets_the_styled_403(bob_console, connection):
    for url in ("/infra/connections/new", f"/infra/connections/{connection.pk}/setup", "/infra/clusters/new"):
        response = bob_console.get(url)
        assert response.status_code == 403, url
        assert "Permission needed" in text(response) and "<nav" in text(response)
    overview = text(bob_console.get("/infra/"))
    assert "This machine" in overview and "Add connection" not in overview
    detail = text(bob_console.get(f"/infra/connections/{connection.pk}/"))
    assert "Delete this connection" not in detail
    response = bob_console.post(f"/infra/connections/{connection.pk}/delete", {"confirm_name": "This machine"})
    assert response.status_code == 403 and Connection.objects.filter(pk=connection.pk).exists()


def test_another_organizations_connection_is_not_found(charlie_console, connection, network):
    for url in (
        f"/infra/connections/{connection.pk}/",
        f"/infra/connections/{connection.pk}/setup",
        f"/infra/connections/{connection.pk}/template.yaml",
    ):
        assert charlie_console.get(url).status_code == 404, url
    assert charlie_console.post(f"/infra/connections/{connection.pk}/delete", {"confirm_name": "x"}).status_code == 404
    assert charlie_console.post(f"/infra/networks/{network.pk}/destroy", {"confirm_name": "x"}).status_code == 404
    assert "This machine" not in text(charlie_console.get("/infra/"))


def test_deleting_a_connection_needs_its_name_and_nothing_provisioned(console, connection, network):
    page = console.post(f"/infra/connections/{connection.pk}/delete", {"confirm_name": "this"})
    assert "Type the name exactly: This machine." in text(page)
    refused = console.post(f"/infra/connections/{connection.pk}/delete", {"confirm_name": "This machine"})
    assert refused.status_code == 409
    assert "Destroy what this connection still provisions first: network Loopback (active)." in text(refused)

    mark(network, "destroyed")
    deleted = console.post(f"/infra/connections/{connection.pk}/delete", {"confirm_name": "This machine"})
    assert deleted["Location"] == "/infra/"
    assert not Connection.objects.exists() and not Network.objects.exists()


def test_a_network_with_clusters_is_not_destroyed_and_deleting_needs_its_name(console, cluster, network):
    refused = console.post(f"/infra/networks/{network.pk}/destroy", {"confirm_name": "Loopback"})
    assert refused.status_code == 409 and "Destroy or delete the network&#x27;s clusters first" in text(refused)
    unconfirmed = console.post(f"/infra/networks/{network.pk}/delete", {"confirm_name": ""})
    assert unconfirmed.status_code == 400 and "Type Loopback to confirm." in text(unconfirmed)
    assert Network.objects.filter(pk=network.pk, status="active").exists()


@pytest.mark.parametrize("status", ["pending", "destroyed"])
def test_an_empty_network_record_is_deleted(console, owner, connection, status):
    network = mark(network_create(principal=owner, connection=connection, name="Spare", region="local"), status)
    response = console.post(f"/infra/networks/{network.pk}/delete", {"confirm_name": "Spare"})
    assert response["Location"] == f"/infra/connections/{connection.pk}/"
    assert not Network.objects.filter(pk=network.pk).exists()


def test_destroying_a_network_opens_its_progress(console, owner):
    connection = mark(connection_create(principal=owner, name="Box", provider="local"), "active")
    network = mark(network_create(principal=owner, connection=connection, name="Lone", region="local"), "active")
    response = console.post(f"/infra/networks/{network.pk}/destroy", {"confirm_name": "Lone"})
    network.refresh_from_db()
    assert network.status == "destroying"
    assert response["Location"] == f"/infra/operations/{network.last_operation_id}/"
    page = text(console.get(response["Location"]))
    assert "network.destroy" in page and "every 2s" in page
