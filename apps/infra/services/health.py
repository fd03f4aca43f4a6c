"""Cluster health: asked of the provider, recorded on the cluster, announced when it changes."""

import logging

from django.db import transaction

from apps.core import clock
from apps.core.events import Event, publish, subscribe
from apps.infra.errors import as_error
from apps.infra.models import Cluster, HealthStatus, ProvisionedCluster, ResourceStatus
from apps.infra.providers.base import Health, ProviderError
from apps.infra.specs import cluster_spec, connection_spec, provider_of

logger = logging.getLogger(__name__)
CHECKED_STATUSES = (ResourceStatus.ACTIVE, ResourceStatus.UPDATING)


def cluster_health_check(*, cluster: ProvisionedCluster) -> Health:
    """The provider's answer now, recorded as `lastHealth*`. A cluster that is not running is not asked."""
    if cluster.status not in CHECKED_STATUSES:
        return Health(HealthStatus.UNKNOWN, f"The cluster is {cluster.status}.", clock.now())
    try:
        health = provider_of(cluster.connection).health(connection_spec(cluster.connection), cluster_spec(cluster))
    except ProviderError as exc:
        health = Health(HealthStatus.UNKNOWN, as_error(exc).message, clock.now())
    record_health(cluster_id=cluster.pk, status=health.status, message=health.message)
    return health


@transaction.atomic
def record_health(*, cluster_id: str, status: str, message: str) -> None:
    """Store an observation; `cluster.unhealthy` when a running cluster turns unhealthy, `cluster.recovered` back."""
    cluster = ProvisionedCluster.objects.select_for_update().filter(pk=cluster_id).first()
    if cluster is None or cluster.status not in CHECKED_STATUSES:
        return
    previous = cluster.last_health_status
    ProvisionedCluster.objects.filter(pk=cluster_id).update(
        last_health_status=status, last_health_message=message, last_health_check_at=clock.now()
    )
    event = None
    if status == HealthStatus.UNHEALTHY and previous != HealthStatus.UNHEALTHY:
        event = "cluster.unhealthy"
    elif status == HealthStatus.HEALTHY and previous == HealthStatus.UNHEALTHY:
        event = "cluster.recovered"
    job_facing = Cluster.objects.filter(provisioned_cluster_id=cluster_id).first()
    if event and job_facing is not None:
        payload = {
            "provisionedClusterId": cluster_id,
            "name": cluster.name,
            "health": status,
            "message": message,
            "teamIds": list(cluster.team_links.values_list("team_id", flat=True)),
        }
        publish(event, job_facing, payload)


def check_active_clusters() -> int:
    """Beat: check every running cluster (so its events fire without anyone looking)."""
    clusters = ProvisionedCluster.objects.filter(status__in=CHECKED_STATUSES).select_related("connection", "network")
    count = 0
    for cluster in clusters:
        cluster_health_check(cluster=cluster)
        count += 1
    return count


def _server_lost(event: Event) -> None:
    """The reaper found a cluster's Sail server gone: the cluster is unhealthy now, not at the next check."""
    cluster_id = event.payload.get("clusterId")
    if cluster_id:
        record_health(cluster_id=cluster_id, status=HealthStatus.UNHEALTHY, message=event.payload.get("message", ""))


def connect() -> None:
    subscribe("sail_process.lost", _server_lost, name="infra.cluster_server_lost")
