from apps.infra.models.clusters import Cluster, ClusterTeam, ProvisionedCluster
from apps.infra.models.connections import Connection
from apps.infra.models.metrics import ClusterMetricSample
from apps.infra.models.networks import Network
from apps.infra.models.sail_processes import LIVE_STATUSES, SailProcess, SailProcessLifetime, SailProcessStatus
from apps.infra.models.statuses import (
    BUSY_STATUSES,
    DELETABLE_STATUSES,
    ConnectionStatus,
    HealthStatus,
    ProviderKey,
    ResourceStatus,
)

__all__ = [
    "BUSY_STATUSES",
    "DELETABLE_STATUSES",
    "LIVE_STATUSES",
    "Cluster",
    "ClusterMetricSample",
    "ClusterTeam",
    "Connection",
    "ConnectionStatus",
    "HealthStatus",
    "Network",
    "ProviderKey",
    "ProvisionedCluster",
    "ResourceStatus",
    "SailProcess",
    "SailProcessLifetime",
    "SailProcessStatus",
]
