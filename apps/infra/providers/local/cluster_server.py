"""A local cluster is one long-running Sail server (lifetime `detached`), started and stopped through the supervisor.

One worker (`desiredSize` 1) runs Sail in `local` mode, one process; more run `local-cluster` mode, a driver and
`desiredSize` workers in that process (Sail's `cluster.*` settings). The SailProcess rows (`cluster_id` = the
provisioned cluster's id) are the source of truth: a provisioning step that runs again, after a worker died,
keeps a server that serves with the wanted configuration and stops any other.
"""

from typing import Any

import psutil
from django.conf import settings

from apps.core import clock
from apps.infra.models import LIVE_STATUSES, SailProcess, SailProcessLifetime, SailProcessStatus
from apps.infra.providers.base import ClusterSpec, Health, ProviderError
from apps.infra.providers.local import layout, profiles
from apps.infra.providers.local.config import config_hash, merged_config
from apps.infra.providers.local.health import is_serving, resource_use
from apps.infra.providers.local.host import ProcessRef, boot_id, hostname
from apps.infra.providers.local.supervisor import SailStartError, SailStopError, sail_start, sail_stop

_MIB = 1024 * 1024


def node_group(cluster: ClusterSpec) -> dict[str, Any]:
    return cluster.config.get("systemNodeGroup") or {}


def workers(cluster: ClusterSpec) -> int:
    return max(1, int(node_group(cluster).get("desiredSize") or 1))


def server_config(cluster: ClusterSpec) -> dict[str, Any]:
    """The Sail configuration of the cluster's server, from its node group."""
    group = node_group(cluster)
    count = workers(cluster)
    if count == 1:
        return {"mode": "local"}
    config: dict[str, Any] = {
        "mode": "local-cluster",
        "cluster.worker_initial_count": count,
        "cluster.worker_max_count": max(count, int(group.get("maxSize") or 0)),
    }
    instance_types = group.get("instanceTypes") or []
    profile = profiles.by_id().get(instance_types[0]) if instance_types else None
    if profile is not None:
        config["cluster.worker_task_slots"] = profile.vcpus
    return config


def live_servers(cluster_id: str) -> list[SailProcess]:
    return list(SailProcess.objects.filter(cluster_id=cluster_id, status__in=LIVE_STATUSES).order_by("-created_at"))


def _serves(row: SailProcess, wanted_hash: str) -> bool:
    return (
        row.status == SailProcessStatus.RUNNING
        and row.config_hash == wanted_hash
        and row.port is not None
        and is_serving(row.host, row.port)
    )


def ensure_server(cluster: ClusterSpec, state: dict[str, Any], outputs: dict[str, Any]) -> None:
    """Create-or-keep the cluster's server; records it in `state` and its endpoint in `outputs`."""
    config = server_config(cluster)
    wanted = config_hash(merged_config(config))
    kept: SailProcess | None = None
    for row in live_servers(cluster.id):
        if kept is None and _serves(row, wanted):
            kept = row
        else:  # a server of an older configuration, or one a dead worker left starting
            stop(row.pk, reason="replaced by the cluster's current configuration")
    if kept is None:
        work_dir = layout.cluster_dir(cluster.network.id, cluster.id)
        try:
            server = sail_start(
                purpose=f"cluster {cluster.name} ({cluster.id})",
                config=config,
                cluster_id=cluster.id,
                lifetime=SailProcessLifetime.DETACHED,
                work_dir=work_dir,
                log_path=work_dir / "sail.log",
            )
        except SailStartError as exc:
            raise ProviderError(str(exc), code="sail_start_failed") from exc
        process_id, port = server.process_id, server.port
    else:
        process_id, port = kept.pk, int(kept.port or 0)
    state.update(processId=process_id, port=port, configHash=wanted)
    outputs.update(
        sparkConnectUrl=f"sc://127.0.0.1:{port}",
        mode=config["mode"],
        workers=workers(cluster),
        providerMetadata={"clusterName": cluster.name, "sailProcessId": process_id, "mode": config["mode"]},
    )


def stop(process_id: str, *, reason: str) -> None:
    try:
        sail_stop(process_id=process_id, grace_seconds=settings.LOCAL_CLUSTER_STOP_GRACE_SECONDS, reason=reason)
    except SailStopError as exc:
        raise ProviderError(str(exc), code="sail_stop_failed") from exc


def stop_servers(cluster: ClusterSpec, state: dict[str, Any], outputs: dict[str, Any]) -> None:
    """SIGINT, then SIGKILL after the grace period, for every server of the cluster."""
    for row in live_servers(cluster.id):
        stop(row.pk, reason="cluster destroyed")
    for key in ("processId", "port", "configHash"):
        state.pop(key, None)
    for key in ("sparkConnectUrl", "mode", "workers"):
        outputs.pop(key, None)


def _local_ref(row: SailProcess) -> ProcessRef | None:
    if row.hostname != hostname() or row.boot_id != boot_id() or not row.pid or not row.process_created_at:
        return None
    return ProcessRef(row.pid, row.process_created_at)


def require_serving(cluster: ClusterSpec, state: dict[str, Any]) -> None:
    port = state.get("port")
    if not port or not is_serving("127.0.0.1", int(port), timeout=5):
        raise ProviderError("The cluster's Sail server does not answer its health check.", retryable=True)


def health(cluster: ClusterSpec) -> Health:
    rows = live_servers(cluster.id)
    count = workers(cluster)
    if not rows:
        return _health(cluster, "unhealthy", "No Sail server is running for this cluster.", serving=False)
    row = rows[0]
    ref = _local_ref(row)
    if ref is None:
        return _health(cluster, "unknown", f"The cluster's server runs on {row.hostname}, not here.", serving=False)
    if not ref.is_alive():
        return _health(cluster, "unhealthy", f"The Sail server (pid {row.pid}) is gone.", serving=False)
    if not (row.port and is_serving(row.host, row.port, timeout=2)):
        return _health(cluster, "unhealthy", f"The Sail server (pid {row.pid}) does not answer.", serving=False)
    return _health(cluster, "healthy", f"Serving on {row.remote} with {count} worker(s).", serving=True, row=row)


def _health(
    cluster: ClusterSpec, status: str, message: str, *, serving: bool, row: SailProcess | None = None
) -> Health:
    count = workers(cluster)
    ready = count if serving else 0
    group = node_group(cluster)
    details = {
        "providerMetadata": {"status": "RUNNING" if serving else "STOPPED", "mode": server_config(cluster)["mode"]},
        "nodeGroups": [
            {
                "name": str(group.get("name") or "system"),
                "status": "ready" if serving else "not_ready",
                "desiredSize": count,
                "readyNodes": ready,
                "message": "" if serving else message,
            }
        ],
        "systemPods": [
            {
                "name": "sail-server",
                "namespace": "local",
                "ready": serving,
                "phase": "Running" if serving else "Failed",
                "restartCount": 0,
                "message": row.remote if row is not None else message,
            }
        ],
        "totalNodes": count,
        "readyNodes": ready,
    }
    return Health(status=status, message=message, checked_at=clock.now(), details=details)


def sample(cluster: ClusterSpec) -> dict[str, float] | None:
    """CPU (percent of the host's capacity) and resident memory (MiB) of the cluster's server and its children."""
    rows = live_servers(cluster.id)
    ref = _local_ref(rows[0]) if rows else None
    use = resource_use(ref) if ref is not None else None
    if use is None:
        return None
    return {"cpu": use.cpu_percent / (psutil.cpu_count() or 1), "memory": use.rss_bytes / _MIB}
