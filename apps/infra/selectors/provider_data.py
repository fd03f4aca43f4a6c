"""What a connection's provider offers (regions, instance types, networks) and gives out (template, kubeconfig).

Read from the provider on each call; a provider failure is an error object (502, or 409 for what does not apply).
"""

from dataclasses import dataclass
from typing import Any

from apps.core.errors import InvalidInput
from apps.core.principal import Principal
from apps.infra.errors import provider_call
from apps.infra.models import Connection, ProvisionedCluster
from apps.infra.providers.base import InstanceType, ProviderNetwork, Region, Template
from apps.infra.selectors.clusters import cluster_team_ids
from apps.infra.specs import cluster_spec, connection_spec, provider_of
from apps.org.access import require

CAPACITY_KEYS = (
    "systemPodsPerNode",
    "systemPodsPerSystemNode",
    "systemPodsFixed",
    "systemPodsPerNodeMargin",
    "systemPodsFixedMargin",
    "systemMilliCPUPerNode",
    "systemMilliCPUFixed",
    "karpenterMilliCPUPerReplica",
    "karpenterReplicas",
)


def regions(*, connection: Connection) -> list[Region]:
    with provider_call():
        return provider_of(connection).regions(connection_spec(connection))


def _region(connection: Connection, region: str | None) -> str:
    """The asked region, else the connection's home region, else the provider's first."""
    wanted = region or connection.provider_config.get("region") or ""
    known = [r.id for r in regions(connection=connection)]
    if not wanted and known:
        return known[0]
    if wanted not in known:
        raise InvalidInput("Unknown region.", field_errors={"region": f"Must be one of: {', '.join(known)}."})
    return wanted


@dataclass(frozen=True)
class InstanceTypeFilter:
    region: str | None = None
    architecture: str | None = None
    min_vcpus: int | None = None
    min_memory_mib: int | None = None
    limit: int = 100


def instance_types(*, connection: Connection, filters: InstanceTypeFilter) -> tuple[list[InstanceType], dict[str, Any]]:
    """Matching instance types (fewest vCPUs and least memory first) and the provider's capacity metadata."""
    region = _region(connection, filters.region)
    provider = provider_of(connection)
    with provider_call():
        found = provider.instance_types(connection_spec(connection), region)
        metadata = provider.capacity_metadata(connection_spec(connection), region)
    matching = [
        each
        for each in found
        if (filters.architecture is None or each.architecture == filters.architecture)
        and (filters.min_vcpus is None or each.vcpus >= filters.min_vcpus)
        and (filters.min_memory_mib is None or each.memory_mib >= filters.min_memory_mib)
    ]
    matching.sort(key=lambda each: (each.vcpus, each.memory_mib, each.id))
    return matching[: filters.limit], {"provider": connection.provider, **{k: 0 for k in CAPACITY_KEYS}, **metadata}


def cluster_hourly_estimate(*, connection: Connection, region: str, config: dict[str, Any]) -> float | None:
    """What a cluster of `config` would cost per hour while it runs (USD), before it is provisioned; None: unknown."""
    with provider_call():
        return provider_of(connection).hourly_estimate(connection_spec(connection), region, config)


def provider_networks(*, connection: Connection, region: str | None) -> list[ProviderNetwork]:
    region = _region(connection, region)
    with provider_call():
        return provider_of(connection).provider_networks(connection_spec(connection), region)


def connection_template(*, principal: Principal, connection: Connection) -> Template:
    """What the customer deploys (it carries the connection's external id): for those who manage connections."""
    require(principal, "CanManageConnections", connection)
    with provider_call():
        return provider_of(connection).template(connection_spec(connection))


@dataclass(frozen=True)
class Kubeconfig:
    kubeconfig: str
    cluster_endpoint: str
    cluster_certificate_authority: str


def cluster_kubeconfig(*, principal: Principal, cluster: ProvisionedCluster) -> Kubeconfig:
    """Administrator access to the cluster: for those who manage it."""
    require(principal, "CanManageClusters", cluster, team_ids=cluster_team_ids(cluster))
    with provider_call():
        text = provider_of(cluster.connection).kubeconfig(connection_spec(cluster.connection), cluster_spec(cluster))
    outputs = cluster.iac_outputs
    return Kubeconfig(
        kubeconfig=text,
        cluster_endpoint=str(outputs.get("clusterEndpoint", "")),
        cluster_certificate_authority=str(outputs.get("clusterCertificateAuthority", "")),
    )
