"""How runs read in the console: their duration, their estimated cost, the badge of a status.

A run's duration is the time it held a run slot (dispatched → finished, the span its estimated cost is billed for);
an executing run's grows until it ends, and a run that never started has none.
"""

import datetime as dt
from decimal import Decimal

from django import template

from apps.core import clock
from apps.workloads.models import EXECUTING_RUN_STATUSES, JobRun, JobRunStatus

register = template.Library()

S = JobRunStatus
BADGES: dict[str, str] = {
    S.SUCCEEDED: "succeeded",
    S.FAILED: "failed",
    S.TIMEOUT: "failed",
    S.PENDING: "pending",
    S.READY: "pending",
    S.CANCELLED: "cancelled",
    **{status: "running" for status in EXECUTING_RUN_STATUSES},
}


def run_seconds(run: JobRun, now: dt.datetime | None = None) -> float | None:
    """Seconds the run held a slot (so far, while it executes); None when it never started."""
    start = run.dispatched_at or run.runner_started_at
    if start is None:
        return None
    end = run.finished_at or (now or clock.now() if run.status in EXECUTING_RUN_STATUSES else None)
    return None if end is None else max((end - start).total_seconds(), 0.0)


@register.filter
def seconds_text(seconds: float | None) -> str:
    """`0.4 s`, `12 s`, `3 min 05 s`, `2 h 07 min`; an em dash for none."""
    if seconds is None:
        return "—"
    if seconds < 10:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


@register.filter
def run_duration(run: JobRun) -> str:
    return seconds_text(run_seconds(run))


@register.filter
def usd(value: Decimal | float | None) -> str:
    """An estimated cost in dollars, to a hundredth of a cent; an em dash for no estimate."""
    if value is None:
        return "—"
    amount = Decimal(str(value))
    if amount == 0:
        return "$0"
    if amount < Decimal("0.0001"):
        return "< $0.0001"
    return f"${amount:.4f}"


@register.filter
def run_badge(status: str) -> str:
    """The badge class of a run status (`badge-…`)."""
    return f"badge-{BADGES.get(status, 'pending')}"


@register.simple_tag(takes_context=True)
def local_input(context: template.Context, moment: dt.datetime) -> str:
    """`moment` as a `datetime-local` value in the viewer's timezone (a link into a filter form typed in it)."""
    zone = context.get("viewer_timezone") or dt.UTC
    return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


@register.filter
def words(value: str) -> str:
    """`waiting_for_sail` → `waiting for sail`: a status or reason as it reads."""
    return str(value).replace("_", " ")
