"""The `local` provider: networks are storage roots under the data directory, clusters are Sail servers here.

One region (`local`), instance types cut from this machine (profiles.py), one provider network (loopback). No
connection template and no kubeconfig: those answer 409 (NotApplicable).
"""

import ipaddress
import shutil
import subprocess
import sys
import uuid
from datetime import datetime
from typing import Any

from django.conf import settings

from apps.infra.models import ClusterMetricSample
from apps.infra.providers.base import (
    ClusterSpec,
    ConnectionSpec,
    Health,
    InstanceType,
    MetricPoint,
    NetworkSpec,
    NotApplicable,
    Provider,
    ProviderError,
    ProviderNetwork,
    Region,
    Step,
    StepContext,
    Template,
    VerifyResult,
    register,
)
from apps.infra.providers.local import cluster_server, layout, profiles

REGION = "local"
LOOPBACK = ipaddress.ip_network("127.0.0.0/8")
MAX_WORKERS = 64
_METRIC_COLUMNS = {"cpu": "cpu_percent", "memory": "memory_mib"}


class LocalProvider(Provider):
    key = "local"
    label = "This machine (Sail servers as local processes)"

    def template(self, conn: ConnectionSpec) -> Template:
        raise NotApplicable("Connection templates do not apply to the local provider: there is no account to set up.")

    def verify(self, conn: ConnectionSpec) -> VerifyResult:
        problems = []
        root = layout.data_dir()
        try:
            root.mkdir(parents=True, exist_ok=True)
            probe = root / f".verify-{uuid.uuid4().hex}"
            probe.write_text("ok")
            probe.unlink()
        except OSError as exc:
            problems.append(f"The data directory {root} is not writable: {exc}")
        version = ""
        try:
            done = subprocess.run(
                [sys.executable, "-m", "pysail", "--version"], capture_output=True, text=True, timeout=60, check=True
            )
            version = done.stdout.strip()
        except (OSError, subprocess.SubprocessError) as exc:
            problems.append(f"Sail (pysail) does not run: {exc}")
        message = "; ".join(problems) or f"{version} runs and the data directory {root} is writable."
        return VerifyResult(ok=not problems, message=message, details={"dataDir": str(root), "sailVersion": version})

    def regions(self, conn: ConnectionSpec) -> list[Region]:
        return [Region(id=REGION, name="This machine", group="local")]

    def instance_types(self, conn: ConnectionSpec, region: str) -> list[InstanceType]:
        return profiles.instance_types()

    def provider_networks(self, conn: ConnectionSpec, region: str) -> list[ProviderNetwork]:
        return [ProviderNetwork(id="loopback", name="Loopback", cidr=str(LOOPBACK), is_default=True, az_count=1)]

    def network_steps(self, conn: ConnectionSpec, network: NetworkSpec) -> list[Step]:
        root = layout.network_root(network.id)

        def create(ctx: StepContext) -> None:
            root.mkdir(parents=True, exist_ok=True)
            ctx.state["storageRoot"] = str(root)
            ctx.outputs.update(storageRoot=str(root), providerNetworkId="loopback")

        return [Step("lakesail:local:network:storage-root", "local:fs:StorageRoot", str(root), "create", create)]

    def network_destroy_steps(self, conn: ConnectionSpec, network: NetworkSpec) -> list[Step]:
        root = layout.network_root(network.id)

        def delete(ctx: StepContext) -> None:
            shutil.rmtree(root, ignore_errors=True)
            ctx.state.pop("storageRoot", None)
            ctx.outputs.pop("storageRoot", None)

        return [Step("lakesail:local:network:storage-root", "local:fs:StorageRoot", str(root), "delete", delete)]

    def cluster_steps(self, conn: ConnectionSpec, cluster: ClusterSpec) -> list[Step]:
        work_dir = layout.cluster_dir(cluster.network.id, cluster.id)

        def directory(ctx: StepContext) -> None:
            work_dir.mkdir(parents=True, exist_ok=True)
            ctx.state["workDir"] = str(work_dir)

        def server(ctx: StepContext) -> None:
            cluster_server.ensure_server(cluster, ctx.state, ctx.outputs)

        def serving(ctx: StepContext) -> None:
            cluster_server.require_serving(cluster, ctx.state)

        operation = "update" if cluster.iac_state.get("processId") else "create"
        return [
            Step("lakesail:local:cluster:work-dir", "local:fs:Directory", str(work_dir), "create", directory),
            Step("lakesail:local:cluster:server", "local:sail:Server", cluster.name, operation, server),
            Step("lakesail:local:cluster:health", "local:sail:HealthCheck", cluster.name, "create", serving),
        ]

    def cluster_destroy_steps(self, conn: ConnectionSpec, cluster: ClusterSpec) -> list[Step]:
        work_dir = layout.cluster_dir(cluster.network.id, cluster.id)

        def server(ctx: StepContext) -> None:
            cluster_server.stop_servers(cluster, ctx.state, ctx.outputs)

        def directory(ctx: StepContext) -> None:
            shutil.rmtree(work_dir, ignore_errors=True)
            ctx.state.pop("workDir", None)

        return [
            Step("lakesail:local:cluster:server", "local:sail:Server", cluster.name, "delete", server),
            Step("lakesail:local:cluster:work-dir", "local:fs:Directory", str(work_dir), "delete", directory),
        ]

    def health(self, conn: ConnectionSpec, cluster: ClusterSpec) -> Health:
        return cluster_server.health(cluster)

    def kubeconfig(self, conn: ConnectionSpec, cluster: ClusterSpec) -> str:
        raise NotApplicable("A kubeconfig does not apply to the local provider: its clusters are Sail processes.")

    def metrics(
        self, conn: ConnectionSpec, cluster: ClusterSpec, *, metric: str, start: datetime, end: datetime
    ) -> list[MetricPoint]:
        samples = ClusterMetricSample.objects.filter(cluster_id=cluster.id, at__gte=start, at__lte=end).order_by("at")
        if metric == "cost":
            # Each sample stands for one sampling interval of a running server.
            per_sample = settings.LOCAL_CLUSTER_HOURLY_PRICE_USD * settings.INFRA_METRICS_SAMPLE_SECONDS / 3600
            rows = samples.filter(cpu_percent__isnull=False).values_list("at", flat=True)
            return [MetricPoint(at=at, value=per_sample) for at in rows]
        if metric not in _METRIC_COLUMNS:
            raise ProviderError(f"The local provider has no metric {metric!r}.", code="unknown_metric")
        column = _METRIC_COLUMNS[metric]
        rows = samples.filter(**{f"{column}__isnull": False}).values_list("at", column)
        return [MetricPoint(at=at, value=value) for at, value in rows]

    def config_errors(self, kind: str, config: dict[str, Any]) -> dict[str, str]:
        if kind == "connection":
            return {key: "The local provider takes no configuration." for key in config}
        if kind == "network":
            return _network_errors(config)
        if kind == "cluster":
            return _cluster_errors(config)
        return {}

    def hourly_estimate(self, conn: ConnectionSpec, region: str, config: dict[str, Any]) -> float | None:
        return settings.LOCAL_CLUSTER_HOURLY_PRICE_USD  # per running server, whatever its size (the cost metric's)

    def sample(self, conn: ConnectionSpec, cluster: ClusterSpec) -> dict[str, float] | None:
        return cluster_server.sample(cluster)


def _network_errors(config: dict[str, Any]) -> dict[str, str]:
    cidr = config.get("cidr")
    if not cidr:
        return {}
    try:
        inside = ipaddress.ip_network(str(cidr), strict=False).subnet_of(LOOPBACK)  # type: ignore[arg-type]
    except (ValueError, TypeError):
        inside = False
    return {} if inside else {"cidr": f"The local provider's network is loopback: a CIDR inside {LOOPBACK}."}


def _cluster_errors(config: dict[str, Any]) -> dict[str, str]:
    errors = {}
    group = config.get("systemNodeGroup") or {}
    known = profiles.by_id()
    unknown = [each for each in group.get("instanceTypes") or [] if each not in known]
    if unknown:
        errors["systemNodeGroup.instanceTypes"] = (
            f"Not a profile of this machine: {', '.join(unknown)}. Use one of: {', '.join(known)}."
        )
    if int(group.get("desiredSize") or 1) > MAX_WORKERS:
        errors["systemNodeGroup.desiredSize"] = f"At most {MAX_WORKERS} workers on the local provider."
    return errors


register(LocalProvider())
