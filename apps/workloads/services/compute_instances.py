"""Compute instances: the Sail servers sessions run on, started and stopped through the local supervisor.

Infra offers no session servers of its own (its cluster server is the cluster's): these are supervised here with
`sail_start`/`sail_stop`, lifetime `detached` (a worker restart must not end them), purpose
`session server <instanceId>` (how the sweep recognizes a server whose instance is gone). A worker starts an
instance (`instance_start`); it is stopped once no open session uses it (`instance_release`), and the reaper's sweep
catches whatever a lost task left behind.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q

from apps.core import clock
from apps.core.errors import Conflict
from apps.infra.models import LIVE_STATUSES, SailProcess, SailProcessLifetime
from apps.infra.providers.local import SailConfigError, SailStartError, SailStopError, sail_start, sail_stop
from apps.infra.providers.local.config import config_hash, merged_config
from apps.workloads.models import (
    LIVE_INFRA_STATUSES,
    OPEN_STATUSES,
    ComputeConfig,
    ComputeInstance,
    InfraStatus,
    Session,
    ShutdownPolicy,
    TerminationReason,
)
from apps.workloads.sail_settings import sail_config
from apps.workloads.selectors.session_settings import SessionSettings
from apps.workloads.services.session_states import end_session

logger = logging.getLogger(__name__)
SESSION_PURPOSE = "session server"
# A pending instance this old lost its start task (a broker outage, a dead worker): the sweep enqueues it again.
START_RETRY_SECONDS = 60


def _enqueue_start(instance_id: str) -> None:
    from apps.workloads.session_tasks import start_compute_instance_task  # the tasks module imports this one

    start_compute_instance_task.delay(instance_id)


def _open_clients() -> Count:
    return Count("sessions", filter=Q(sessions__status__in=OPEN_STATUSES))


def instance_for_session(*, compute_config: ComputeConfig, shared: bool, limits: SessionSettings) -> ComputeInstance:
    """A compatible shared instance with room for one more client, else a new one (started once this commits).

    Compatible: shared, live, same team, same cluster and the same Sail configuration. The caller holds the
    transaction.
    """
    wanted = config_hash(merged_config(sail_config(compute_config.sail)))
    if shared:
        candidates = ComputeInstance.objects.filter(
            organization_id=compute_config.organization_id,
            shutdown_policy=ShutdownPolicy.WHEN_UNUSED,
            infra_status__in=LIVE_INFRA_STATUSES,
            config_hash=wanted,
            compute_config__cluster_id=compute_config.cluster_id,
            compute_config__team_id=compute_config.team_id,
        ).annotate(clients=_open_clients())
        if limits.max_concurrent_clients:
            candidates = candidates.filter(clients__lt=limits.max_concurrent_clients)
        found = candidates.order_by("created_at", "id").first()
        if found is not None:
            return found
    running = ComputeInstance.objects.filter(
        organization_id=compute_config.organization_id, infra_status__in=LIVE_INFRA_STATUSES
    ).count()
    if limits.max_running_workloads and running >= limits.max_running_workloads:
        raise Conflict(
            f"The organization already runs {running} session servers, its maximum "
            "(settings.sessions.maxRunningWorkloads): close a session, or open this one with allowShared.",
            code="workload_limit_reached",
        )
    instance = ComputeInstance.objects.create(
        organization_id=compute_config.organization_id,
        compute_config=compute_config,
        shutdown_policy=ShutdownPolicy.WHEN_UNUSED if shared else ShutdownPolicy.WITH_SESSION,
        config_hash=wanted,
    )
    transaction.on_commit(lambda: _enqueue_start(instance.pk), robust=True)
    return instance


def instance_start(*, instance_id: str) -> None:
    """The start task's body: only a pending instance starts (a duplicate task does nothing); a server that does not
    start fails the instance and its sessions."""
    if not ComputeInstance.objects.filter(pk=instance_id, infra_status=InfraStatus.PENDING).update(
        infra_status=InfraStatus.STARTING
    ):
        return
    instance = ComputeInstance.objects.select_related("compute_config").get(pk=instance_id)
    try:
        server = sail_start(
            purpose=f"{SESSION_PURPOSE} {instance.pk}",
            config=sail_config(instance.compute_config.sail),
            lifetime=SailProcessLifetime.DETACHED,
        )
    except (SailStartError, SailConfigError) as exc:
        instance_failed(instance_id=instance.pk, message=str(exc))
        return
    ready = ComputeInstance.objects.filter(pk=instance.pk, infra_status=InfraStatus.STARTING).update(
        infra_status=InfraStatus.READY,
        sail_process_id=server.process_id,
        host=server.host,
        port=server.port,
        provisioned_at=clock.now(),
    )
    if not ready:  # released while it started: nobody needs it any more
        ComputeInstance.objects.filter(pk=instance.pk).update(sail_process_id=server.process_id)
        _stop(instance.pk, server.process_id)


@transaction.atomic
def instance_failed(*, instance_id: str, message: str) -> None:
    """The instance's server did not start or was lost: the instance and its open sessions fail."""
    ComputeInstance.objects.filter(
        pk=instance_id, infra_status__in=(*LIVE_INFRA_STATUSES, InfraStatus.STOPPING)
    ).update(infra_status=InfraStatus.FAILED, status_message=message, cleaned_at=clock.now())
    for session in Session.objects.select_for_update().filter(
        compute_instance_id=instance_id, status__in=OPEN_STATUSES
    ):
        end_session(session, reason=TerminationReason.SERVER_FAILED, message=message)


def instance_release(*, instance_id: str) -> None:
    """Stop the instance's server if no open session uses it (the close task's body; safe to run twice)."""
    with transaction.atomic():
        instance = (
            ComputeInstance.objects.select_for_update()
            .filter(pk=instance_id, infra_status__in=LIVE_INFRA_STATUSES)
            .first()
        )
        if instance is None or instance.sessions.filter(status__in=OPEN_STATUSES).exists():
            return
        previous = instance.infra_status
        unstarted = previous == InfraStatus.PENDING
        instance.infra_status = InfraStatus.STOPPED if unstarted else InfraStatus.STOPPING
        instance.cleaned_at = clock.now() if unstarted else None
        instance.save(update_fields=["infra_status", "cleaned_at", "updated_at"])
    if previous == InfraStatus.READY:
        _stop(instance.pk, instance.sail_process_id)


def _stop(instance_id: str, process_id: str) -> None:
    try:
        sail_stop(
            process_id=process_id,
            grace_seconds=settings.SESSION_SERVER_STOP_GRACE_SECONDS,
            reason="no open session uses it",
        )
    except SailStopError as exc:  # left `stopping`: the sweep tries again
        logger.warning("could not stop the server of compute instance %s: %s", instance_id, exc)
        return
    ComputeInstance.objects.filter(pk=instance_id).update(infra_status=InfraStatus.STOPPED, cleaned_at=clock.now())


def instances_sweep() -> int:
    """What a lost task left behind: unused live instances released, unstarted ones enqueued again, stops retried,
    and session servers whose instance is gone (a deleted team or cluster) stopped. Returns how many it handled."""
    handled = 0
    unused = ComputeInstance.objects.filter(infra_status__in=LIVE_INFRA_STATUSES).annotate(clients=_open_clients())
    for instance_id in unused.filter(clients=0).values_list("pk", flat=True):
        instance_release(instance_id=instance_id)
        handled += 1
    stale = clock.now() - timedelta(seconds=START_RETRY_SECONDS)
    for instance_id in ComputeInstance.objects.filter(
        infra_status=InfraStatus.PENDING, created_at__lt=stale
    ).values_list("pk", flat=True):
        _enqueue_start(instance_id)
        handled += 1
    for instance_id, process_id in ComputeInstance.objects.filter(infra_status=InfraStatus.STOPPING).values_list(
        "pk", "sail_process_id"
    ):
        if process_id:
            _stop(instance_id, process_id)
            handled += 1
    return handled + _stop_orphans()


def _stop_orphans() -> int:
    servers = SailProcess.objects.filter(status__in=LIVE_STATUSES, purpose__startswith=f"{SESSION_PURPOSE} ")
    owners = {row.pk: row.purpose.rsplit(" ", 1)[-1] for row in servers}
    live = set(
        ComputeInstance.objects.filter(
            pk__in=set(owners.values()), infra_status__in=(*LIVE_INFRA_STATUSES, InfraStatus.STOPPING)
        ).values_list("pk", flat=True)
    )
    stopped = 0
    for process_id, instance_id in owners.items():
        if instance_id in live:
            continue
        try:
            sail_stop(
                process_id=process_id, grace_seconds=settings.SESSION_SERVER_STOP_GRACE_SECONDS, reason="orphaned"
            )
        except SailStopError as exc:
            logger.warning("could not stop orphaned session server %s: %s", process_id, exc)
            continue
        stopped += 1
    return stopped
