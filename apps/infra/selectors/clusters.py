"""Reads of provisioned clusters (`CanViewClusters`) and of the job-facing clusters a principal may use."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from apps.core.console_list import ListOptions
from apps.core.errors import NotFound
from apps.core.principal import Principal
from apps.infra.models import Cluster, Connection, ProvisionedCluster, ResourceStatus
from apps.org.access import visible
from apps.org.models import Team

# The console's cluster list (the infrastructure overview).
PROVISIONED_CLUSTER_LIST = ListOptions(
    sorts={
        "name": ("name",),
        "status": ("status", "name"),
        "health": ("last_health_status", "name"),
        "region": ("region", "name"),
    },
    default_sort="name",
    search_fields=("name", "region"),
)


def provisioned_cluster_list(
    *, principal: Principal, connection: Connection | None = None, relation: str = "CanViewClusters"
) -> QuerySet[ProvisionedCluster]:
    clusters = visible(
        ProvisionedCluster.objects.select_related("cluster", "last_operation"), principal, relation, team_field="teams"
    )
    return clusters.filter(connection=connection) if connection is not None else clusters


def provisioned_cluster_get(
    *, principal: Principal, cluster_id: str, connection: Connection | None = None
) -> ProvisionedCluster:
    clusters = provisioned_cluster_list(principal=principal, connection=connection)
    cluster = clusters.select_related("connection", "network").filter(pk=cluster_id).first()
    if cluster is None:
        raise NotFound("Cluster not found.", code="cluster_not_found")
    return cluster


def provisioned_clusters_in_networks(
    *, principal: Principal, network_ids: Iterable[str]
) -> QuerySet[ProvisionedCluster]:
    return provisioned_cluster_list(principal=principal).filter(network_id__in=list(network_ids))


def cluster_list(*, principal: Principal, relation: str = "CanUseClusters") -> QuerySet[Cluster]:
    """The job-facing clusters the principal may use (`/me/clusters`)."""
    return visible(
        Cluster.objects.select_related("provisioned_cluster"),
        principal,
        relation,
        team_field="provisioned_cluster__teams",
    )


def cluster_get(*, principal: Principal, cluster_id: str, relation: str = "CanUseClusters") -> Cluster:
    cluster = cluster_list(principal=principal, relation=relation).filter(pk=cluster_id).first()
    if cluster is None:
        raise NotFound("Cluster not found.", code="cluster_not_found")
    return cluster


def cluster_team_ids(cluster: ProvisionedCluster) -> list[str]:
    return list(cluster.team_links.values_list("team_id", flat=True))


def cluster_teams(*, cluster: ProvisionedCluster) -> QuerySet[Team]:
    return (
        Team.objects.filter(organization_id=cluster.organization_id, pk__in=cluster.team_links.values("team_id"))
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("name", "id")
    )


@dataclass(frozen=True)
class SparkEndpoint:
    url: str  # sc://127.0.0.1:<port>
    host: str
    port: int


def cluster_spark_endpoint(*, cluster_id: str) -> SparkEndpoint | None:
    """Where jobs and sessions reach a job-facing cluster's Spark Connect server; None unless it is active.

    For the job runner and session tasks, which act for a principal already checked (`cluster_get`).
    """
    outputs = (
        ProvisionedCluster.objects.filter(cluster__pk=cluster_id, status=ResourceStatus.ACTIVE)
        .values_list("iac_outputs", flat=True)
        .first()
    )
    url = (outputs or {}).get("sparkConnectUrl", "")
    if not url.startswith("sc://"):
        return None
    host, _, port = url.removeprefix("sc://").split("/", 1)[0].rpartition(":")
    return SparkEndpoint(url=url, host=host, port=int(port))
