"""The `aws` provider: a customer's AWS account, entered through a cross-account role (docs/infra-aws.md)."""

from datetime import datetime
from typing import Any, ClassVar

from apps.infra.providers.aws import kubeconfig as kubeconfigs
from apps.infra.providers.aws import kubernetes, metrics, prices, template_sync, validation
from apps.infra.providers.aws import template as templates
from apps.infra.providers.aws.catalog import Catalog
from apps.infra.providers.aws.clients import ClientFactory, clients
from apps.infra.providers.aws.cluster_steps import ClusterSteps, eks_cluster_name, instance_types
from apps.infra.providers.aws.errors import aws_errors
from apps.infra.providers.aws.health import cluster_health
from apps.infra.providers.aws.network_steps import NetworkSteps
from apps.infra.providers.base import (
    ClusterSpec,
    ConnectionSpec,
    Health,
    InstanceType,
    MetricPoint,
    NetworkSpec,
    Provider,
    ProviderError,
    ProviderNetwork,
    Region,
    Step,
    Template,
    VerifyResult,
)


class AwsProvider(Provider):
    key: ClassVar[str] = "aws"
    label: ClassVar[str] = "Amazon Web Services"

    def __init__(self, factory: ClientFactory | None = None) -> None:
        self.clients = factory or clients
        self.catalog = Catalog(self.clients)

    def template(self, conn: ConnectionSpec) -> Template:
        return templates.template(conn)

    def template_sync_steps(self, conn: ConnectionSpec) -> list[Step]:
        return template_sync.template_sync_steps(self.clients, conn)

    def config_errors(self, kind: str, config: dict[str, Any]) -> dict[str, str]:
        checks = {
            "connection": validation.connection_errors,
            "network": validation.network_errors,
            "cluster": validation.cluster_errors,
        }
        return checks[kind](config) if kind in checks else {}

    def hourly_estimate(self, conn: ConnectionSpec, region: str, config: dict[str, Any]) -> float | None:
        """The control plane and the system node group's desired size, as the "cost" metric counts them."""
        spec = ClusterSpec(id="", name="", region=region, config=config, network=NetworkSpec("", "", region, {}))
        group = config.get("systemNodeGroup") or {}
        nodes = int(group.get("desiredSize", group.get("minSize", 1)))
        return prices.cluster_hourly(region, instance_types(spec)[0], nodes)

    def verify(self, conn: ConnectionSpec) -> VerifyResult:
        """AssumeRole with the ExternalId, then GetCallerIdentity as the role: the role exists, trusts us with this
        ExternalId, and lives in the account the connection names. A refusal is an answer (ok=False); a throttled
        or unreachable STS raises, retryable."""
        self.clients.forget(conn)  # verify must ask STS, not trust credentials cached before a change
        try:
            assumed = self.clients.assume(conn)
            with aws_errors("identify the assumed role"):
                identity = self.clients.client(conn, "sts").get_caller_identity()
        except ProviderError as exc:
            if exc.retryable:
                raise
            return VerifyResult(ok=False, message=exc.message, details={"code": exc.code})
        expected = str(conn.provider_config.get("accountId") or "")
        if expected and identity["Account"] != expected:
            return VerifyResult(
                ok=False,
                message=f"The role is in account {identity['Account']}, not {expected}.",
                details={"code": "aws_wrong_account", "accountId": identity["Account"]},
            )
        return VerifyResult(
            ok=True,
            message=f"Assumed {assumed.arn}.",
            details={"accountId": identity["Account"], "arn": identity["Arn"]},
        )

    def regions(self, conn: ConnectionSpec) -> list[Region]:
        return self.catalog.regions(conn)

    def instance_types(self, conn: ConnectionSpec, region: str) -> list[InstanceType]:
        return self.catalog.instance_types(conn, region)

    def provider_networks(self, conn: ConnectionSpec, region: str) -> list[ProviderNetwork]:
        return self.catalog.provider_networks(conn, region)

    def network_steps(self, conn: ConnectionSpec, network: NetworkSpec) -> list[Step]:
        return NetworkSteps(self.clients, conn, network).create()

    def network_destroy_steps(self, conn: ConnectionSpec, network: NetworkSpec) -> list[Step]:
        return NetworkSteps(self.clients, conn, network).destroy()

    def cluster_steps(self, conn: ConnectionSpec, cluster: ClusterSpec) -> list[Step]:
        return ClusterSteps(self.clients, conn, cluster).create()

    def cluster_destroy_steps(self, conn: ConnectionSpec, cluster: ClusterSpec) -> list[Step]:
        return ClusterSteps(self.clients, conn, cluster).destroy()

    def health(self, conn: ConnectionSpec, cluster: ClusterSpec) -> Health:
        eks = self.clients.client(conn, "eks", cluster.region)
        autoscaling = self.clients.client(conn, "autoscaling", cluster.region)
        return cluster_health(eks, autoscaling, eks_cluster_name(cluster))

    def describe_cluster(self, conn: ConnectionSpec, cluster: ClusterSpec) -> dict[str, Any]:
        with aws_errors("describe the EKS cluster"):
            eks = self.clients.client(conn, "eks", cluster.region)
            return eks.describe_cluster(name=eks_cluster_name(cluster))["cluster"]

    def kubeconfig(self, conn: ConnectionSpec, cluster: ClusterSpec) -> str:
        return kubeconfigs.kubeconfig(self.describe_cluster(conn, cluster), cluster.region)

    def metrics(
        self, conn: ConnectionSpec, cluster: ClusterSpec, *, metric: str, start: datetime, end: datetime
    ) -> list[MetricPoint]:
        """ "cpu" (percent) and "memory" (MiB) from CloudWatch Container Insights; "cost" (USD per hour, estimated
        from the bundled price table: control plane plus the system node group's desired size)."""
        if metric in metrics.CLOUDWATCH_METRICS:
            cloudwatch = self.clients.client(conn, "cloudwatch", cluster.region)
            return metrics.cloudwatch_points(cloudwatch, eks_cluster_name(cluster), metric, start, end)
        if metric == "cost":
            group = cluster.config.get("systemNodeGroup") or {}
            nodes = int(group.get("desiredSize", group.get("minSize", 1)))
            return metrics.cost_points(cluster.region, instance_types(cluster)[0], nodes, start, end)
        raise metrics.unknown_metric(metric)

    def kubernetes_client(self, conn: ConnectionSpec, cluster: ClusterSpec) -> Any:
        """A `kubernetes` ApiClient acting as the connection's role (admin of the clusters it created), for
        `kubernetes.apply(kubernetes.render(app), client)` when a session or job starts on this cluster."""
        described = self.describe_cluster(conn, cluster)
        token = kubeconfigs.eks_token(self.clients.assume(conn).session, described["name"], cluster.region)
        return kubernetes.api_client(described["endpoint"], described["certificateAuthority"]["data"], token)
