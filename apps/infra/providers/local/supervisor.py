"""Start, find and stop Sail servers, each recorded as a SailProcess row before its process exists."""

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

from apps.core import clock
from apps.infra.models import LIVE_STATUSES, SailProcess, SailProcessLifetime, SailProcessStatus
from apps.infra.providers.local import layout
from apps.infra.providers.local.config import SailConfig, config_hash, merged_config, sail_environment
from apps.infra.providers.local.health import NotServing, ResourceUse, is_serving, resource_use, wait_until_serving
from apps.infra.providers.local.host import ProcessRef, boot_id, hostname
from apps.infra.providers.local.process import free_port, log_tail, spawn_sail, stop_process
from apps.infra.providers.local.sessions import interrupt_session

LOOPBACK = "127.0.0.1"
_PORT_ATTEMPTS = 3


class SailStartError(RuntimeError):
    pass


class SailStopError(RuntimeError):
    pass


@dataclass(frozen=True)
class SailServer:
    process_id: str
    host: str
    port: int
    ref: ProcessRef

    @property
    def remote(self) -> str:
        return f"sc://{self.host}:{self.port}"


def namespace() -> str:
    """The database this process records Sail servers in: processes of another database are not ours to reap."""
    configured = getattr(settings, "LAKESAIL_SAIL_NAMESPACE", "")
    if configured:
        return str(configured)
    db = connection.settings_dict
    name = str(db["NAME"])
    if connection.vendor == "sqlite":
        if name == ":memory:" or "mode=memory" in name:
            name += f"#pid={os.getpid()}"  # an in-memory database lives and dies with this process
        else:
            name = str(Path(name).resolve())
    identity = f"{connection.vendor}|{db.get('HOST') or ''}|{db.get('PORT') or ''}|{name}"
    return "db-" + hashlib.sha256(identity.encode()).hexdigest()[:16]


def sail_start(
    *,
    purpose: str,
    config: SailConfig | None = None,
    run_id: str = "",
    cluster_id: str = "",
    lifetime: SailProcessLifetime = SailProcessLifetime.SUPERVISOR,
    work_dir: Path | None = None,
    log_path: Path | None = None,
    timeout: float = 60.0,
    abort: Callable[[], bool] | None = None,
    on_spawned: Callable[[], None] | None = None,
) -> SailServer:
    """Start a Sail server on a free loopback port and return once it is serving.

    `work_dir` (default `<data>/sail/<processId>`) is its working directory, `log_path` (default `sail.log` there)
    gets its output; `on_spawned` is called once the process exists and the wait for readiness begins.
    Raises SailStartError (the record then says `failed`, with the server's last log lines) if it does not serve
    within `timeout` seconds or `abort()` turns true; the process is gone by then.
    """
    full_config = merged_config(config)
    supervisor = ProcessRef.current()
    record = SailProcess.objects.create(
        purpose=purpose,
        run_id=run_id,
        cluster_id=cluster_id,
        lifetime=lifetime,
        config_hash=config_hash(full_config),
        host=LOOPBACK,
        hostname=hostname(),
        boot_id=boot_id(),
        supervisor_pid=supervisor.pid,
        supervisor_created_at=supervisor.created_at,
        work_dir="",
        log_path="",
    )
    work_dir = work_dir or layout.sail_dir() / layout.safe_name(record.id)
    log_path = log_path or work_dir / "sail.log"
    layout.prepare_sail_work_dir(work_dir)
    SailProcess.objects.filter(pk=record.pk).update(work_dir=str(work_dir), log_path=str(log_path))

    for attempt in range(_PORT_ATTEMPTS):
        port = free_port(LOOPBACK)
        try:
            ref = spawn_sail(
                process_id=record.id,
                namespace=namespace(),
                sail_env=sail_environment(full_config),
                host=LOOPBACK,
                port=port,
                work_dir=work_dir,
                log_path=log_path,
            )
        except Exception as exc:
            _finish(record.pk, SailProcessStatus.FAILED, f"Sail server did not start: {exc}")
            raise SailStartError(f"Sail server did not start: {exc}") from exc
        SailProcess.objects.filter(pk=record.pk).update(
            pid=ref.pid, process_created_at=ref.created_at, port=port, started_at=clock.now()
        )
        if on_spawned is not None and attempt == 0:
            on_spawned()
        try:
            wait_until_serving(ref=ref, host=LOOPBACK, port=port, timeout=timeout, abort=abort)
        except NotServing as exc:
            stop_process(ref, grace_seconds=2)
            tail = log_tail(log_path, lines=10)
            if exc.exited and "in use" in tail.lower() and attempt + 1 < _PORT_ATTEMPTS:
                continue  # another process took the port between our probe and Sail's bind
            message = f"Sail server did not start: {exc}" + (f"\n{tail}" if tail else "")
            _finish(record.pk, SailProcessStatus.FAILED, message)
            raise SailStartError(message) from exc
        SailProcess.objects.filter(pk=record.pk, status=SailProcessStatus.STARTING).update(
            status=SailProcessStatus.RUNNING, ready_at=clock.now()
        )
        return SailServer(process_id=record.id, host=LOOPBACK, port=port, ref=ref)
    raise AssertionError("unreachable")


def sail_stop(
    *, process_id: str, grace_seconds: float = 8.0, interrupt: Sequence[str] = (), reason: str = "stopped"
) -> SailProcess:
    """Interrupt the given sessions' queries, SIGINT, and SIGKILL after `grace_seconds`. Idempotent."""
    record = SailProcess.objects.get(pk=process_id)
    if not record.is_live:
        return record
    if record.hostname != hostname():
        raise SailStopError(f"Sail process {process_id} runs on {record.hostname}, not on this host")
    SailProcess.objects.filter(pk=process_id, status__in=LIVE_STATUSES).update(status=SailProcessStatus.STOPPING)
    for url in interrupt:
        interrupt_session(url)
    outcome = "gone"
    if record.pid and record.process_created_at and record.boot_id == boot_id():
        outcome = stop_process(ProcessRef(record.pid, record.process_created_at), grace_seconds=grace_seconds)
    _finish(process_id, SailProcessStatus.STOPPED, f"{reason} ({outcome})")
    record.refresh_from_db()
    return record


def sail_detach(*, process_id: str) -> None:
    """Let a server outlive the process that started it (kept for inspection, or handed to a cluster)."""
    SailProcess.objects.filter(pk=process_id).update(lifetime=SailProcessLifetime.DETACHED)


def _finish(process_id: str, status: SailProcessStatus, message: str) -> int:
    return SailProcess.objects.filter(pk=process_id, status__in=LIVE_STATUSES).update(
        status=status, status_message=message, stopped_at=clock.now()
    )


@dataclass(frozen=True)
class SailHealth:
    process_id: str
    status: str
    alive: bool
    serving: bool
    resources: ResourceUse | None


def sail_health(*, process_id: str, interval: float = 0.2) -> SailHealth:
    """What the OS and the server say now (the record may lag: the reaper reconciles it)."""
    record = SailProcess.objects.get(pk=process_id)
    ref = ProcessRef(record.pid, record.process_created_at) if record.pid and record.process_created_at else None
    local = record.hostname == hostname() and record.boot_id == boot_id()
    resources = resource_use(ref, interval=interval) if ref and local else None
    serving = bool(resources and record.port and is_serving(record.host, record.port))
    return SailHealth(
        process_id=record.id, status=record.status, alive=resources is not None, serving=serving, resources=resources
    )
