"""What the infra domain adds to the console's shared registries (called from InfraConfig.ready): clusters to the
global search, and the "Cluster health" card to the dashboard."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from apps.core import console_search, dashboard_slots
from apps.core.console_search import Hit
from apps.core.principal import Principal
from apps.infra.models import BUSY_STATUSES, HealthStatus, ResourceStatus
from apps.infra.selectors.clusters import provisioned_cluster_list
from apps.org.access import grants, has

# Shown first on the card: what needs someone's attention.
ATTENTION = Q(status=ResourceStatus.FAILED) | Q(status=ResourceStatus.ACTIVE, last_health_status=HealthStatus.UNHEALTHY)


def cluster_hits(principal: Principal, text: str, limit: int) -> Iterable[Hit]:
    clusters = provisioned_cluster_list(principal=principal).filter(name__icontains=text).order_by("name", "id")
    for cluster in clusters[:limit]:
        detail = f"{cluster.status} · {cluster.region}"
        if cluster.status == ResourceStatus.ACTIVE:
            detail += f" · {cluster.last_health_status}"
        yield Hit(cluster.name, reverse("infra-cluster", args=[cluster.pk]), detail)


def cluster_health_slot(principal: Principal) -> dict[str, Any] | None:
    """Clusters by status and health; None for someone who may neither see a cluster nor create one."""
    if not (has(principal, "CanViewClusters") or grants(principal).teams_with("CanViewClusters")):
        return None
    clusters = provisioned_cluster_list(principal=principal)
    running = Q(status=ResourceStatus.ACTIVE)
    counts = clusters.aggregate(
        total=Count("pk"),
        healthy=Count("pk", filter=running & Q(last_health_status=HealthStatus.HEALTHY)),
        unhealthy=Count("pk", filter=running & Q(last_health_status=HealthStatus.UNHEALTHY)),
        unknown=Count("pk", filter=running & Q(last_health_status=HealthStatus.UNKNOWN)),
        busy=Count("pk", filter=Q(status__in=BUSY_STATUSES)),
        failed=Count("pk", filter=Q(status=ResourceStatus.FAILED)),
    )
    attention = (
        list(clusters.filter(ATTENTION).order_by("name", "id")[:5]) if counts["unhealthy"] + counts["failed"] else []
    )
    return {**counts, "attention": attention, "can_create": has(principal, "CanManageClusters")}


def register() -> None:
    console_search.register("Clusters", cluster_hits, order=40)
    dashboard_slots.register(
        "cluster-health",
        title="Cluster health",
        template="infra/slots/cluster_health.html",
        context=cluster_health_slot,
        order=50,
    )
