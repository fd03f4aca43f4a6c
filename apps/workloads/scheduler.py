"""The scheduler: cron slots become runs, exactly once per (job, slot), whatever runs it twice.

A tick looks only at active jobs whose `next_run_at` has passed (a partial index), so its cost follows the jobs due,
not the jobs that exist. Each due job is locked with SKIP LOCKED, so two schedulers share the work instead of
repeating it; the unique (job, scheduled_for) constraint catches any slot that would still be fired twice.

Slots are `apps.workloads.schedule.fire_times`, the function the schedule preview shows. After downtime, the
version's `missedSchedulePolicy` decides what the passed slots become:

- `latest`: one run, for the latest passed slot;
- `all`: one run per passed slot, at most settings.RUNS_MISSED_SLOTS_MAX (the oldest beyond are dropped);
- `skip`: none, unless the latest slot is on time (at most settings.RUNS_SCHEDULER_GRACE_SECONDS late).

`concurrencyPolicy` when the job already has `maxConcurrentRuns` runs that have not ended: `skip` fires nothing
for the slot, `queue` creates the run (it waits, pending with `concurrency_limit`), `replace` cancels the oldest
of them and creates the run.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from apps.core import clock
from apps.workloads.models import (
    ACTIVE_RUN_STATUSES,
    ConcurrencyPolicy,
    Job,
    JobRun,
    JobStatus,
    JobVersion,
    MissedSchedulePolicy,
    RunTrigger,
)
from apps.workloads.schedule import ScheduleError, fire_times
from apps.workloads.services.run_states import locked_run
from apps.workloads.services.runs import new_run, request_cancel

BATCH = 500
logger = logging.getLogger(__name__)


@dataclass
class TickResult:
    due: int = 0
    created: list[str] = field(default_factory=list)  # run ids
    skipped: int = 0  # slots left without a run (policy skip, missed skip)


def tick(*, limit: int = BATCH) -> TickResult:
    """Fire every due slot of every due job; returns what it did. Safe to run concurrently and to repeat.

    One transaction locks the due jobs (SKIP LOCKED: a second scheduler takes others) and commits their runs once;
    each job's work is a savepoint of its own, so one job's failure does not undo the others'.
    """
    now = clock.now()
    result = TickResult()
    with transaction.atomic():
        due = list(
            Job.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("current_version")
            .filter(status=JobStatus.ACTIVE, next_run_at__lte=now)
            .order_by("next_run_at")[:limit]
        )
        result.due = len(due)
        for job in due:
            try:
                with transaction.atomic():
                    _fire_job(job, now, result)
            except Exception:  # logged; the job stays due and the next tick tries it again
                logger.exception("scheduling job %s failed", job.pk)
    return result


def _fire_job(job: Job, now: datetime, result: TickResult) -> None:
    version = job.current_version
    if version is None or not version.cron_expression:
        job.next_run_at = None
        job.save(update_fields=["next_run_at", "updated_at"])
        return
    try:
        passed, passed_count = _passed_slots(job.next_run_at, version, now)
        following = fire_times(version.cron_expression, version.cron_timezone, after=now, count=1).fire_times
    except ScheduleError:  # an expression that no longer parses (a newer cronsim): stop, do not loop
        job.next_run_at = None
        job.save(update_fields=["next_run_at", "updated_at"])
        return
    chosen = _chosen(passed, version.missed_schedule_policy, now)
    result.skipped += passed_count - len(chosen)
    for slot in chosen:
        run = _fire_slot(job, version, slot)
        if run is None:
            result.skipped += 1
        else:
            result.created.append(run.pk)
    if passed:
        job.last_scheduled_at = passed[-1]
    job.next_run_at = following[0].utc if following else None
    job.save(update_fields=["next_run_at", "last_scheduled_at", "updated_at"])


def _passed_slots(first: datetime, version: JobVersion, now: datetime) -> tuple[list[datetime], int]:
    """The newest RUNS_MISSED_SLOTS_MAX + 1 slots from `first` (next_run_at, itself a slot) up to now, and how many
    slots passed in all."""
    slots, count, ask = [first], 1, 1  # usually one slot passed: ask for one more, then more if they all passed
    bound = settings.RUNS_MISSED_SLOTS_MAX + 1
    while True:
        later = fire_times(version.cron_expression, version.cron_timezone, after=slots[-1], count=ask).fire_times
        fresh = [each.utc for each in later if each.utc <= now]
        count += len(fresh)
        slots = [*slots, *fresh][-bound:]
        if len(fresh) < len(later) or not later:
            return slots, count
        ask = min(ask * 10, 100)


def _chosen(passed: list[datetime], policy: str, now: datetime) -> list[datetime]:
    if not passed:
        return []
    latest = passed[-1]
    on_time = now - latest <= timedelta(seconds=settings.RUNS_SCHEDULER_GRACE_SECONDS)
    if policy == MissedSchedulePolicy.ALL:
        return passed[-settings.RUNS_MISSED_SLOTS_MAX :]
    if policy == MissedSchedulePolicy.SKIP:
        return [latest] if on_time else []
    return [latest]


def _fire_slot(job: Job, version: JobVersion, slot: datetime) -> JobRun | None:
    active = list(
        JobRun.objects.filter(job=job, status__in=ACTIVE_RUN_STATUSES)
        .order_by("created_at")
        .values_list("pk", flat=True)
    )
    over = len(active) - version.max_concurrent_runs + 1
    if over > 0:
        if version.concurrency_policy == ConcurrencyPolicy.SKIP:
            return None
        if version.concurrency_policy == ConcurrencyPolicy.REPLACE:
            for run_id in active[:over]:
                request_cancel(locked_run(run_id), message=f"Replaced by the run for {slot:%Y-%m-%d %H:%M} UTC.")
    return new_run(job=job, version=version, trigger=RunTrigger.SCHEDULE, scheduled_for=slot)
