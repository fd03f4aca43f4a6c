"""The one interface every infrastructure provider implements (`local`: Sail on this machine; `aws`: boto3).

Providers see plain data (`ConnectionSpec`, `NetworkSpec`, `ClusterSpec`), never models: services load the rows,
providers talk to the outside world, and the operation runner records what they report. Provisioning and
destroying are lists of `Step`s. A step is idempotent and keyed by its `urn`: it reads the resource ids it created
earlier from `state` (persisted as the record's `iacState` after every step), so a retried or resumed operation
skips what exists and creates only what is missing; destroy steps run in reverse order of creation.
"""

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar


class ProviderError(Exception):
    """A provider call failed. `retryable` tells the operation runner whether to try the step again."""

    def __init__(self, message: str, *, code: str = "provider_error", retryable: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.retryable = retryable


class NotApplicable(ProviderError):
    """The provider has no such thing (a kubeconfig or a CloudFormation template for `local`): answered 409."""

    def __init__(self, message: str, *, code: str = "not_applicable") -> None:
        super().__init__(message, code=code, retryable=False)


@dataclass(frozen=True)
class ConnectionSpec:
    id: str
    organization_id: str
    provider: str
    provider_config: dict[str, Any]  # wire `providerConfig`: aws {accountId, region, roleArn, ...}; local {}
    external_id: str = ""  # aws: the sts:ExternalId generated per connection (decrypted for the call only)


@dataclass(frozen=True)
class NetworkSpec:
    id: str
    name: str
    region: str
    config: dict[str, Any]  # wire `config`, e.g. {"cidr": "10.0.0.0/16"}
    iac_state: dict[str, Any] = field(default_factory=dict)
    iac_outputs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ClusterSpec:
    id: str
    name: str
    region: str
    config: dict[str, Any]  # wire `config`: kubernetesVersion, systemNodeGroup {instanceTypes, min/max/desiredSize}
    network: NetworkSpec
    iac_state: dict[str, Any] = field(default_factory=dict)
    iac_outputs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    group: str = ""  # wire `group`, e.g. "US" or "Europe"


@dataclass(frozen=True)
class InstanceType:
    id: str
    vcpus: int
    memory_mib: int
    architecture: str  # "x86_64" | "arm64"
    gpus: int = 0
    hourly_price_usd: float | None = None
    family: str = ""  # wire `instanceFamily`, e.g. "m7g"
    group: str = ""  # wire `group`, e.g. "general", "compute", "memory"
    max_pods: int = 0  # wire `maxPods` (Kubernetes providers)
    allocatable_milli_cpu: int | None = None  # wire `allocatableMilliCpu`; None: vcpus * 1000


@dataclass(frozen=True)
class ProviderNetwork:
    id: str  # e.g. a VPC id, or "loopback"
    name: str
    cidr: str
    is_default: bool = False
    az_count: int = 0  # wire `azCount`
    state: str = "available"
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Template:
    """What a customer deploys to let LakeSail in (aws: a CloudFormation stack with a cross-account role)."""

    body: str  # the YAML
    template_url: str
    quick_launch_url: str
    download_url: str
    parameters: dict[str, str]


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    message: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Health:
    """`details` may hold the health endpoint's wire keys, passed through as given: `providerMetadata` (object),
    `nodeGroups` ([{name, status, desiredSize, readyNodes, message}]), `systemPods` ([{name, namespace, ready,
    phase, restartCount, message}]), `totalNodes`, `readyNodes`."""

    status: str  # "healthy" | "unhealthy" | "unknown"
    message: str
    checked_at: datetime
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MetricPoint:
    at: datetime
    value: float


@dataclass
class StepContext:
    """What a running step may use: the record's persisted state (mutate it; it is saved after the step) and the
    outputs it publishes (`iacOutputs`).

    The runner lifts these outputs onto the record when the operation succeeds: a network's `providerNetworkId`; a
    cluster's `providerMetadata` (object), `jobRunnerRoleArn`, and `sparkConnectUrl` (what jobs and sessions
    connect to); `clusterEndpoint` and `clusterCertificateAuthority` answer the kubeconfig endpoint beside
    `Provider.kubeconfig`. For a template sync, `state` is the connection's own and `outputs` are merged into its
    `providerConfig` (e.g. `stackArn`)."""

    state: dict[str, Any]
    outputs: dict[str, Any]


@dataclass(frozen=True)
class Step:
    """One idempotent unit of provisioning: create-or-find a resource, or delete it if it exists."""

    urn: str  # stable key, e.g. "lakesail:aws:ec2:vpc" — resumption and progress rows are keyed by it
    type: str  # resource type shown in progress, e.g. "aws:ec2:Vpc" or "local:sail:Server"
    name: str
    operation: str  # "create" | "update" | "delete"
    run: Callable[[StepContext], None]


class Provider(ABC):
    key: ClassVar[str]
    label: ClassVar[str]

    @abstractmethod
    def template(self, conn: ConnectionSpec) -> Template: ...

    @abstractmethod
    def verify(self, conn: ConnectionSpec) -> VerifyResult: ...

    @abstractmethod
    def regions(self, conn: ConnectionSpec) -> list[Region]: ...

    @abstractmethod
    def instance_types(self, conn: ConnectionSpec, region: str) -> list[InstanceType]: ...

    @abstractmethod
    def provider_networks(self, conn: ConnectionSpec, region: str) -> list[ProviderNetwork]: ...

    @abstractmethod
    def network_steps(self, conn: ConnectionSpec, network: NetworkSpec) -> list[Step]: ...

    @abstractmethod
    def network_destroy_steps(self, conn: ConnectionSpec, network: NetworkSpec) -> list[Step]: ...

    @abstractmethod
    def cluster_steps(self, conn: ConnectionSpec, cluster: ClusterSpec) -> list[Step]: ...

    @abstractmethod
    def cluster_destroy_steps(self, conn: ConnectionSpec, cluster: ClusterSpec) -> list[Step]: ...

    @abstractmethod
    def health(self, conn: ConnectionSpec, cluster: ClusterSpec) -> Health: ...

    @abstractmethod
    def kubeconfig(self, conn: ConnectionSpec, cluster: ClusterSpec) -> str: ...

    @abstractmethod
    def metrics(
        self, conn: ConnectionSpec, cluster: ClusterSpec, *, metric: str, start: datetime, end: datetime
    ) -> list[MetricPoint]:
        """`metric`: "cpu" (percent), "memory" (MiB), from the provider's own source (aws: CloudWatch). The
        `local` provider's points come from the samples beat records; it may return them from the database.
        "cost" (USD accrued since the previous point) is asked too: a provider without prices raises
        ProviderError or returns []."""

    # Optional hooks, with defaults: a provider overrides what applies to it.

    def config_errors(self, kind: str, config: dict[str, Any]) -> dict[str, str]:
        """Provider-specific problems with a connection's `providerConfig` (kind "connection"), a network's `config`
        ("network") or a cluster's `config` ("cluster"), beyond the API's shape checks: messages keyed by path
        inside that object (`accountId`, `systemNodeGroup.instanceTypes`). Empty when valid."""
        return {}

    def template_sync_steps(self, conn: ConnectionSpec) -> list[Step]:
        """Bring the customer's connection stack up to the current template (`POST .../sync-template`)."""
        raise NotApplicable(f"The {self.key} provider has no connection template to sync.")

    def sample(self, conn: ConnectionSpec, cluster: ClusterSpec) -> dict[str, float] | None:
        """What the metrics beat records now for a cluster this provider measures itself: {"cpu": percent of the
        host's capacity, "memory": MiB}, or None (nothing running, or measured elsewhere, e.g. CloudWatch)."""
        return None

    def hourly_estimate(self, conn: ConnectionSpec, region: str, config: dict[str, Any]) -> float | None:
        """USD per hour a cluster of this `config` would cost while it runs, by the same prices as its "cost" metric
        (the console's review step shows it before provisioning); None when the provider has no price for it."""
        return None

    def capacity_metadata(self, conn: ConnectionSpec, region: str) -> dict[str, Any]:
        """The instance-types list's `metadata` (systemPodsPerNode, karpenterReplicas, ...); missing keys are 0."""
        return {}


_REGISTRY: dict[str, Provider] = {}


def register(provider: Provider) -> None:
    _REGISTRY[provider.key] = provider


def provider_for(key: str) -> Provider:
    if key not in _REGISTRY:
        raise ProviderError(f"Unknown provider {key!r}.", code="unknown_provider")
    return _REGISTRY[key]


def providers() -> list[Provider]:
    return list(_REGISTRY.values())
