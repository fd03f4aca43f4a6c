"""The metrics beat task: one sample per running cluster every INFRA_METRICS_SAMPLE_SECONDS, kept 7 days."""

import logging
from datetime import timedelta

from django.conf import settings

from apps.core import clock
from apps.infra import hooks
from apps.infra.models import Cluster, ClusterMetricSample, ProvisionedCluster, ResourceStatus
from apps.infra.providers.base import ProviderError
from apps.infra.specs import cluster_spec, connection_spec, provider_of

logger = logging.getLogger(__name__)
SAMPLED_STATUSES = (ResourceStatus.ACTIVE, ResourceStatus.UPDATING)


def sample_cluster_metrics() -> int:
    """Record CPU and memory (of clusters whose provider measures them here) and active runs; prune old samples."""
    now = clock.now()
    clusters = list(
        ProvisionedCluster.objects.filter(status__in=SAMPLED_STATUSES).select_related("connection", "network")
    )
    job_facing = dict(
        Cluster.objects.filter(provisioned_cluster__in=clusters).values_list("provisioned_cluster_id", "pk")
    )
    runs = hooks.active_runs(list(job_facing.values()))
    samples = []
    for cluster in clusters:
        try:
            measured = provider_of(cluster.connection).sample(
                connection_spec(cluster.connection), cluster_spec(cluster)
            )
        except ProviderError as exc:
            logger.warning("sampling cluster %s failed: %s", cluster.pk, exc.message)
            measured = None
        samples.append(
            ClusterMetricSample(
                cluster=cluster,
                at=now,
                cpu_percent=measured.get("cpu") if measured else None,
                memory_mib=measured.get("memory") if measured else None,
                active_runs=runs.get(job_facing.get(cluster.pk, ""), 0),
            )
        )
    ClusterMetricSample.objects.bulk_create(samples)
    ClusterMetricSample.objects.filter(at__lt=now - timedelta(days=settings.INFRA_METRICS_RETENTION_DAYS)).delete()
    return len(samples)
