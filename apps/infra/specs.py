"""Rows as the plain data providers see (`apps.infra.providers.base`): providers never touch models."""

from apps.infra.models import Connection, Network, ProvisionedCluster
from apps.infra.providers.base import ClusterSpec, ConnectionSpec, NetworkSpec, Provider, provider_for


def connection_spec(connection: Connection) -> ConnectionSpec:
    return ConnectionSpec(
        id=connection.pk,
        organization_id=connection.organization_id,
        provider=connection.provider,
        provider_config=dict(connection.provider_config),
        external_id=connection.external_id,
    )


def network_spec(network: Network) -> NetworkSpec:
    return NetworkSpec(
        id=network.pk,
        name=network.name,
        region=network.region,
        config=dict(network.config),
        iac_state=dict(network.iac_state),
        iac_outputs=dict(network.iac_outputs),
    )


def cluster_spec(cluster: ProvisionedCluster) -> ClusterSpec:
    return ClusterSpec(
        id=cluster.pk,
        name=cluster.name,
        region=cluster.region,
        config=dict(cluster.config),
        network=network_spec(cluster.network),
        iac_state=dict(cluster.iac_state),
        iac_outputs=dict(cluster.iac_outputs),
    )


def provider_of(connection: Connection) -> Provider:
    return provider_for(connection.provider)
