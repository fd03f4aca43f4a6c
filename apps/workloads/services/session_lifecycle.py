"""What happens to sessions without their owner: activity seen by the proxy, the reaper's timeouts, lost servers
and destroyed clusters.

Timeouts, measured from the last proxied call (or the session's creation, before any call):
- `idleTimeoutSeconds` without a call: the session turns `idle` (`idleSince` is when it went quiet + the timeout);
- `idleCloseDelaySeconds` more: it is closed (`idle_timeout`, event `session.idle_closed`) unless a call came;
- at `timeoutAt` (creation + `maxDurationSeconds`) it is closed whatever its activity (`max_duration`).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction

from apps.core import clock
from apps.core.events import Event, subscribe
from apps.workloads.models import (
    OPEN_STATUSES,
    ComputeInstance,
    Session,
    SessionStatus,
    TerminationReason,
)
from apps.workloads.services.compute_instances import instance_failed, instance_release, instances_sweep
from apps.workloads.services.session_states import end_session


def session_activity(*, session_id: str) -> bool:
    """A proxied call: the session is active from now (pending and idle ones turn active). False if it is not open."""
    now = clock.now()
    with transaction.atomic():
        touched = Session.objects.filter(pk=session_id, status__in=OPEN_STATUSES).update(
            status=SessionStatus.ACTIVE, last_activity_at=now, idle_since=None
        )
        if touched:
            ComputeInstance.objects.filter(sessions__pk=session_id).update(last_activity_at=now)
    return bool(touched)


@dataclass
class ReapReport:
    idled: int = 0
    closed: int = 0
    swept: int = 0


def _quiet_since(session: Session):
    return session.last_activity_at or session.created_at


def sessions_reap() -> ReapReport:
    """The beat task's body: idle, close what timed out, then stop the servers nobody uses."""
    report = ReapReport()
    now = clock.now()
    for session_id in Session.objects.filter(status__in=OPEN_STATUSES).values_list("pk", flat=True):
        outcome = _reap_one(session_id, now)
        report.idled += outcome == SessionStatus.IDLE
        report.closed += outcome == SessionStatus.CLOSED
    report.swept = instances_sweep()
    return report


@transaction.atomic
def _reap_one(session_id: str, now) -> str | None:
    session = Session.objects.select_for_update().filter(pk=session_id, status__in=OPEN_STATUSES).first()
    if session is None:
        return None
    if session.timeout_at <= now:
        end_session(session, reason=TerminationReason.MAX_DURATION, message="The session reached its maximum duration.")
        return SessionStatus.CLOSED
    idle_at = _quiet_since(session) + timedelta(seconds=session.idle_timeout_seconds)
    if idle_at > now:
        return None
    if idle_at + timedelta(seconds=session.idle_close_delay_seconds) <= now:
        end_session(session, reason=TerminationReason.IDLE_TIMEOUT, message="The session was idle too long.")
        return SessionStatus.CLOSED
    if session.status != SessionStatus.IDLE:
        session.status, session.idle_since = SessionStatus.IDLE, idle_at
        session.save(update_fields=["status", "idle_since", "updated_at"])
        return SessionStatus.IDLE
    return None


def _server_lost(event: Event) -> None:
    """The infra reaper found a Sail server gone: if it was a session server, its sessions failed."""
    instance = ComputeInstance.objects.filter(sail_process_id=event.resource_id).first()
    if instance is not None:
        instance_failed(instance_id=instance.pk, message=event.payload.get("message") or "The session server was lost.")


def _cluster_destroyed(event: Event) -> None:
    """A destroyed cluster ends its sessions; their servers are stopped after commit."""
    instance_ids = set()
    for session in Session.objects.select_for_update().filter(
        compute_config__cluster_id=event.resource_id, status__in=OPEN_STATUSES
    ):
        end_session(session, reason=TerminationReason.CLUSTER_DESTROYED, message="The session's cluster was destroyed.")
        instance_ids.add(session.compute_instance_id)
    for instance_id in instance_ids - {None}:
        transaction.on_commit(lambda instance_id=instance_id: instance_release(instance_id=instance_id))


def connect() -> None:
    subscribe("sail_process.lost", _server_lost, name="workloads.session_server_lost")
    subscribe("cluster.destroyed", _cluster_destroyed, name="workloads.cluster_sessions_closed")
