"""The one way a run changes status: allowed moves, the timeline row, the event other domains hear.

The caller holds the transaction and the run's row lock (`locked_run`); the change is committed with whatever
else the caller changed, and the event goes out through the durable bus after commit.
"""

from datetime import datetime
from typing import Any

from apps.core import clock
from apps.core.errors import Conflict
from apps.core.events import publish
from apps.org.models import Member
from apps.workloads.models import (
    EXECUTING_RUN_STATUSES,
    TERMINAL_RUN_STATUSES,
    JobRun,
    JobRunStatus,
    JobRunStatusChange,
    PendingReason,
)

S = JobRunStatus
_TERMINAL = frozenset(TERMINAL_RUN_STATUSES)
_ENDINGS = frozenset({S.FAILED, S.CANCELLED, S.TIMEOUT})
MOVES: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.READY, S.CANCELLED, S.PENDING}),  # pending → pending: the reason changed
    S.READY: frozenset({S.PENDING, S.STARTING, S.CANCELLED}),
    S.STARTING: frozenset({S.CREATING_SAIL, S.CREATING_RUNNER, *_TERMINAL}),
    S.CREATING_SAIL: frozenset({S.WAITING_FOR_SAIL, S.CREATING_RUNNER, *_ENDINGS}),
    S.WAITING_FOR_SAIL: frozenset({S.CREATING_RUNNER, *_ENDINGS}),
    S.CREATING_RUNNER: frozenset({S.RUNNING, *_ENDINGS}),
    S.RUNNING: frozenset(_TERMINAL),
    # Retry (same id): a failed, timed-out or cancelled run goes back to ready, or pending when held.
    S.FAILED: frozenset({S.READY, S.PENDING}),
    S.TIMEOUT: frozenset({S.READY, S.PENDING}),
    S.CANCELLED: frozenset({S.READY, S.PENDING}),
    S.SUCCEEDED: frozenset(),
}
# The statuses other domains hear of (notifications' event catalog spells these).
EVENTS = {
    S.RUNNING: "run.started",
    S.SUCCEEDED: "run.succeeded",
    S.FAILED: "run.failed",
    S.TIMEOUT: "run.timeout",
    S.CANCELLED: "run.cancelled",
}


def locked_run(run_id: str) -> JobRun:
    """The run, locked until the transaction ends (PostgreSQL: only its own row, not the joined job)."""
    return JobRun.objects.select_for_update(of=("self",)).select_related("job").get(pk=run_id)


def created(run: JobRun, *, message: str) -> None:
    """The first timeline row of a run just saved as pending."""
    JobRunStatusChange.objects.create(run=run, status=run.status, message=message, at=clock.now())


def can_move(run: JobRun, status: str) -> bool:
    return status in MOVES[run.status]


def move(
    run: JobRun,
    status: str,
    *,
    message: str = "",
    reason: str = "",
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
    fields: dict[str, Any] | None = None,
    event_extra: dict[str, Any] | None = None,
) -> None:
    """Move the locked `run` to `status` and save it with `fields` (attribute → value), or raise Conflict.

    A pending run names why (`reason`, a PendingReason, and `detail`); a terminal one gets `finishedAt`.
    """
    if not can_move(run, status):
        raise Conflict(f"A {run.status} run cannot become {status}.", code="run_status_conflict")
    if status == S.PENDING and reason not in PendingReason.values:
        raise ValueError(f"a pending run needs a PendingReason, not {reason!r}")
    if (
        status == S.PENDING
        and run.status == S.PENDING
        and (reason, detail or {})
        == (
            run.pending_reason,
            run.pending_detail,
        )
    ):
        return  # nothing changed: no timeline row
    now = at or clock.now()
    previous = run.status
    run.status = status
    run.status_message = message
    run.pending_reason = reason if status == S.PENDING else ""
    run.pending_detail = (detail or {}) if status == S.PENDING else {}
    if status in _TERMINAL:
        run.finished_at = now
    for name, value in (fields or {}).items():
        setattr(run, name, value)
    run.save()
    if status != previous or status == S.PENDING:
        JobRunStatusChange.objects.create(run=run, status=status, message=message or reason, at=now)
    event = EVENTS.get(status)
    if event and status != previous:
        announce(event, run, event_extra)


def announce(event: str, run: JobRun, extra: dict[str, Any] | None = None) -> None:
    publish(
        event,
        run,
        {
            "jobId": run.job_id,
            "jobKey": run.job.job_key,
            "runId": run.pk,
            "jobVersion": run.version_number,
            "status": run.status,
            "message": run.status_message,
            "trigger": run.trigger,
            "teamIds": list(run.job.team_links.values_list("team_id", flat=True)),
            "ownerId": owner_user_id(run.job.member_id),  # personal rules hear of the runs of the jobs they own
            **(extra or {}),
        },
    )


def is_executing(run: JobRun) -> bool:
    return run.status in EXECUTING_RUN_STATUSES


def owner_user_id(member_id: str | None) -> str | None:
    """The user behind a membership: `ownerId` in events names users (notifications' own_resources rules)."""
    if member_id is None:
        return None
    return Member.objects.filter(pk=member_id).values_list("user_id", flat=True).first()
