"""The `included` maps of the infra lists and descriptions: each entity once, one serialization pass per group."""

from collections.abc import Sequence
from typing import Any

from apps.core.api.included import Included
from apps.core.principal import Principal
from apps.infra.api.serializers.entities import (
    ClusterSerializer,
    ConnectionSerializer,
    NetworkSerializer,
    ProvisionedClusterSerializer,
)
from apps.infra.models import Cluster, Connection, Network, ProvisionedCluster
from apps.infra.selectors.clusters import provisioned_clusters_in_networks
from apps.infra.selectors.connections import connections_by_id
from apps.org.access import has
from apps.org.api.views.operations import OperationSerializer


def _operations(principal: Principal, records: Sequence[Any]) -> list[Any]:
    """The records' latest operations, for principals who may see operations."""
    if not has(principal, "CanViewOperations"):
        return []
    return [record.last_operation for record in records]


def connections_included(principal: Principal, connections: Sequence[Connection]) -> dict[str, list[Any]]:
    return Included().add("operations", _operations(principal, connections), OperationSerializer).as_dict()


def networks_included(principal: Principal, networks: Sequence[Network]) -> dict[str, list[Any]]:
    clusters = provisioned_clusters_in_networks(principal=principal, network_ids=[n.pk for n in networks])
    return (
        Included()
        .add("networks", networks, NetworkSerializer)
        .add("connections", connections_by_id(n.connection_id for n in networks), ConnectionSerializer)
        .add("clusters", clusters, ProvisionedClusterSerializer)
        .add("operations", _operations(principal, networks), OperationSerializer)
        .as_dict()
    )


def provisioned_clusters_included(principal: Principal, clusters: Sequence[ProvisionedCluster]) -> dict[str, Any]:
    return (
        Included()
        .add("clusters", clusters, ProvisionedClusterSerializer)
        .add("connections", connections_by_id(c.connection_id for c in clusters), ConnectionSerializer)
        .add("operations", _operations(principal, clusters), OperationSerializer)
        .as_dict()
    )


def my_clusters_included(clusters: Sequence[Cluster]) -> dict[str, list[Any]]:
    return (
        Included()
        .add("clusters", clusters, ClusterSerializer)
        .add("connections", connections_by_id(c.connection_id for c in clusters), ConnectionSerializer)
        .add("networks", Network.objects.filter(pk__in={c.network_id for c in clusters}), NetworkSerializer)
        .add("externalClusters", [c.provisioned_cluster for c in clusters], ProvisionedClusterSerializer)
        .as_dict()
    )
