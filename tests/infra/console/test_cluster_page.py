"""A cluster's page: health with its last check, metric charts (1h/24h/7d, inline SVG of the sampled points),
kubeconfig (the local provider's 409 shown), the panels other domains add, destroy with the typed name, delete."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from apps.core import clock
from apps.infra import cluster_panels
from apps.infra.models import Cluster, ClusterMetricSample, ProvisionedCluster
from tests.infra.conftest import mark
from tests.infra.console.conftest import HTMX, text

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _sample(cluster, minutes_ago: float, cpu: float, memory: float, runs: int = 0) -> None:
    ClusterMetricSample.objects.create(
        cluster=cluster, at=NOW - timedelta(minutes=minutes_ago), cpu_percent=cpu, memory_mib=memory, active_runs=runs
    )


def _linked(cluster) -> Cluster:
    return Cluster.objects.create(
        organization_id=cluster.organization_id,
        provisioned_cluster=cluster,
        connection_id=cluster.connection_id,
        network_id=cluster.network_id,
        name=cluster.name,
        region=cluster.region,
    )


def test_the_page_charts_the_sampled_points_for_each_period(console, active, settings):
    settings.LOCAL_CLUSTER_HOURLY_PRICE_USD = 1.2
    _sample(active, 50, cpu=10, memory=512, runs=1)
    _sample(active, 20, cpu=40, memory=1024, runs=2)
    _sample(active, 5, cpu=80, memory=2048, runs=0)
    _sample(active, 60 * 20, cpu=99, memory=4096)  # inside 24h, outside 1h
    with clock.frozen(NOW):
        page = text(console.get(f"/infra/clusters/{active.pk}/"))
        day = text(console.get(f"/infra/clusters/{active.pk}/charts?period=24h", **HTMX))
    cpu = re.search(r'<figure class="infra-chart" id="chart-cpu">.*?</figure>', page, re.S).group(0)
    assert cpu.count('<circle class="chart-point"') == 3
    assert "latest 80 %, peak 80 %" in cpu and "<title>11:55 · 80 %</title>" in cpu
    points = re.search(r'<polyline class="chart-line" points="([^"]+)"', cpu).group(1).split()
    ys = [float(p.split(",")[1]) for p in points]
    assert ys[0] > ys[1] > ys[2]  # higher CPU is drawn higher (smaller y)
    assert "style=" not in page  # the CSP allows no inline style: colours come from classes
    memory = re.search(r'id="chart-memory">.*?</figure>', page, re.S).group(0)
    assert "latest 2.0 GiB" in memory
    cost = re.search(r'id="chart-cost">.*?</figure>', page, re.S).group(0)
    assert "$0.0300 in this period" in cost  # three 30-second samples at $1.20 an hour
    assert 'aria-current="true">1h</a>' in page

    assert "<html" not in day and 'aria-current="true">24h</a>' in day
    day_cpu = re.search(r'id="chart-cpu">.*?</figure>', day, re.S).group(0)
    # 24-minute buckets: the samples 20 and 5 minutes ago share one (averaged), the one 20 hours ago has its own.
    assert day_cpu.count("chart-point") == 3 and "latest 60 %, peak 99 %" in day_cpu


def test_a_pending_cluster_has_no_charts_and_offers_the_review(console, cluster):
    page = text(console.get(f"/infra/clusters/{cluster.pk}/"))
    assert "No metrics before the cluster is provisioned." in page
    assert f'href="/infra/clusters/{cluster.pk}/review">Review and provision</a>' in page
    assert "Delete the record" in page and "Destroy this cluster" not in page


def test_health_is_checked_on_request_and_shows_when(console, active):
    page = text(console.get(f"/infra/clusters/{active.pk}/"))
    assert "Last check: never" in page
    checked = text(console.get(f"/infra/clusters/{active.pk}/health", **HTMX))
    active.refresh_from_db()
    assert active.last_health_check_at is not None and active.last_health_status == "unhealthy"  # nothing runs
    assert "<html" not in checked and "badge-failed" in checked and "Last check: <time" in checked


def test_the_kubeconfig_of_a_local_cluster_says_why_there_is_none(console, active):
    response = console.get(f"/infra/clusters/{active.pk}/kubeconfig", follow=True)
    assert response.redirect_chain == [(f"/infra/clusters/{active.pk}/", 302)]
    assert "A kubeconfig does not apply to the local provider" in text(response)


def test_destroy_needs_the_typed_name_then_opens_the_progress(console, active):
    page = console.post(f"/infra/clusters/{active.pk}/destroy", {"confirm_name": "analytics"})
    assert page.status_code == 200 and "Type the name exactly: Analytics." in text(page)
    active.refresh_from_db()
    assert active.status == "active"
    response = console.post(f"/infra/clusters/{active.pk}/destroy", {"confirm_name": "Analytics"})
    active.refresh_from_db()
    assert active.status == "destroying"
    assert response["Location"] == f"/infra/operations/{active.last_operation_id}/"


def test_the_record_is_deleted_only_after_destroy_and_with_the_name(console, active):
    refused = console.post(f"/infra/clusters/{active.pk}/delete", {"confirm_name": "Analytics"})
    assert "destroy it before deleting its record" in text(refused)
    mark(active, "destroyed")
    assert "Delete the record" in text(console.get(f"/infra/clusters/{active.pk}/"))
    console.post(f"/infra/clusters/{active.pk}/delete", {"confirm_name": ""})
    assert ProvisionedCluster.objects.filter(pk=active.pk).exists()
    response = console.post(f"/infra/clusters/{active.pk}/delete", {"confirm_name": "Analytics"})
    assert response["Location"] == "/infra/" and not ProvisionedCluster.objects.filter(pk=active.pk).exists()


def test_a_member_sees_no_cluster_outside_their_teams_and_cannot_destroy(bob_console, active):
    assert bob_console.get(f"/infra/clusters/{active.pk}/").status_code == 404  # not shared with bob's teams
    assert bob_console.post(f"/infra/clusters/{active.pk}/destroy", {"confirm_name": "Analytics"}).status_code == 404


def test_a_team_viewer_sees_the_cluster_but_not_its_dangers(bob, owner, active, data_team, bob_console):
    from apps.infra.services.cluster_teams import cluster_teams_add
    from apps.org.models import Member, TeamRole
    from apps.org.services.teams import team_member_add

    member = Member.objects.get(user=bob)
    viewer_role = TeamRole.objects.get(organization_id=owner.org.pk, key="team_viewer")
    team_member_add(principal=owner, team=data_team, member=member, role_ids=[viewer_role.pk])
    cluster_teams_add(principal=owner, cluster=active, team_ids=[data_team.pk])
    page = bob_console.get(f"/infra/clusters/{active.pk}/")
    assert page.status_code == 200 and "Destroy this cluster" not in text(page)
    refused = bob_console.post(f"/infra/clusters/{active.pk}/destroy", {"confirm_name": "Analytics"})
    assert refused.status_code == 403 and "CanManageClusters" in text(refused)
    active.refresh_from_db()
    assert active.status == "active"


def test_another_organizations_cluster_is_not_found(charlie_console, active):
    for url in ("/", "charts?period=7d", "health", "kubeconfig"):
        assert charlie_console.get(f"/infra/clusters/{active.pk}/{url.lstrip('/')}").status_code == 404, url


@pytest.fixture
def notebooks_panel():
    """A panel another domain adds (workloads registers its own beside it), removed after the test."""
    seen: list[str] = []

    def notebooks(principal, cluster_id):
        seen.append(cluster_id)
        return {"count": 2}

    cluster_panels.register(
        "notebooks", title="Notebooks on this cluster", template="components/empty_state.html", context=notebooks
    )
    yield seen
    cluster_panels.unregister("notebooks")


def test_another_domain_adds_a_panel_on_the_job_facing_cluster(console, active, notebooks_panel):
    assert "Notebooks on this cluster" not in text(console.get(f"/infra/clusters/{active.pk}/"))  # not provisioned
    linked = _linked(active)
    page = text(console.get(f"/infra/clusters/{active.pk}/"))
    assert '<h2 id="panel-notebooks">Notebooks on this cluster</h2>' in page
    assert notebooks_panel == [linked.pk]
