"""Infra in the console's shared registries: clusters in the global search, the "Cluster health" dashboard card."""

from apps.core import console_search, dashboard_slots
from tests.infra.conftest import mark
from tests.infra.console.conftest import HTMX, text


def test_infra_registers_a_search_source_and_a_dashboard_slot():
    assert "Clusters" in [s.label for s in console_search.sources()]
    assert [s.label for s in console_search.sources()][:3] == ["Members", "Teams", "Service accounts"]
    assert "cluster-health" in {s.key for s in dashboard_slots.slots()}


def test_the_search_finds_clusters_the_person_may_see(console, bob_console, active):
    live = text(console.get("/search/?q=analy", **HTMX))
    assert f'href="/infra/clusters/{active.pk}/"' in live and "active · local · unknown" in live
    assert "Analytics" not in text(bob_console.get("/search/?q=analy"))  # not in bob's teams


def test_the_dashboard_card_counts_clusters_by_health_and_names_the_troubled(console, owner, connection, network):
    from apps.infra.services.clusters import cluster_create

    def cluster(name: str, status: str, health: str = "unknown", message: str = ""):
        made = mark(cluster_create(principal=owner, connection=connection, network_id=network.pk, name=name), status)
        type(made).objects.filter(pk=made.pk).update(last_health_status=health, last_health_message=message)

    assert "No clusters yet" in text(console.get("/"))
    cluster("Good", "active", "healthy")
    cluster("Sick", "active", "unhealthy", "gRPC health check failed")
    cluster("Broken", "failed")
    cluster("Starting", "provisioning")
    page = text(console.get("/"))
    assert '<h2 id="slot-cluster-health">Cluster health</h2>' in page
    assert "1 healthy" in page and "1 unhealthy" in page and "1 failed" in page and "1 changing" in page
    assert "Sick</a>: gRPC health check failed" in page and "Broken</a>" in page


def test_the_card_is_left_out_for_someone_who_sees_no_cluster(bob_console, active):
    assert "Cluster health" not in text(bob_console.get("/"))
