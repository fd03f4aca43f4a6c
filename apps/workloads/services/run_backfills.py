"""Backfills: one run per past cron slot of a job in [from, to], run at most `maxConcurrent` at once, cancellable as
a group.

Slots are `apps.workloads.schedule.fire_times` of the job's current version, the function the scheduler fires by,
so a backfilled slot and a scheduled one are the same instant and the (job, slot) unique constraint keeps one run
per slot whoever asks: a slot that already has a run keeps it, and asking for the same range again creates nothing
(the same backfill answers). Admission holds a backfill's ready runs back (`concurrency_limit`) while
`maxConcurrent` of them execute (`run_admission.blocked`).
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from apps.core import audit, clock
from apps.core.errors import Conflict, InvalidInput
from apps.core.principal import Principal
from apps.org.access import require
from apps.workloads.models import TERMINAL_RUN_STATUSES, Job, JobBackfill, JobRun, JobVersion, RunTrigger
from apps.workloads.schedule import ScheduleError, fire_times
from apps.workloads.services.run_states import locked_run
from apps.workloads.services.runs import RUN, new_run, request_cancel

MAX_CONCURRENT = 100
_PAGE = 100  # fire_times' most per call


def _record(action: str, backfill: JobBackfill, changes: dict[str, Any] | None = None) -> None:
    audit.record(
        f"backfill.{action}",
        organization_id=backfill.organization_id,
        target_type="job_backfill",
        target_id=backfill.pk,
        changes={"jobId": backfill.job_id, **(changes or {})},
    )


def backfill_slots(version: JobVersion, start: dt.datetime, end: dt.datetime, *, most: int) -> list[dt.datetime]:
    """The version's cron slots in [start, end] (UTC), at most `most` + 1 (one more says "too many")."""
    assert version.cron_expression
    slots: list[dt.datetime] = []
    after = start - dt.timedelta(microseconds=1)  # fire_times is strictly after: `start` itself may be a slot
    while len(slots) <= most:
        page = fire_times(version.cron_expression, version.cron_timezone, after=after, count=_PAGE).fire_times
        for fire in page:
            if fire.utc > end or len(slots) > most:
                return slots
            slots.append(fire.utc)
        if len(page) < _PAGE:
            return slots
        after = page[-1].utc
    return slots


def _checked(job: Job, start: Any, end: Any, max_concurrent: Any) -> tuple[JobVersion, list[dt.datetime]]:
    errors: dict[str, str] = {}
    if not isinstance(max_concurrent, int) or not 1 <= max_concurrent <= MAX_CONCURRENT:
        errors["maxConcurrent"] = f"Between 1 and {MAX_CONCURRENT}."
    if end > clock.now():
        errors["to"] = "A backfill covers past slots: the scheduler fires the ones to come."
    if start > end:
        errors["from"] = "At or before `to`."
    if errors:
        raise InvalidInput("Invalid backfill.", field_errors=errors)
    version = job.current_version
    if version is None:
        raise Conflict("The job has no published version to run.", code="no_current_version")
    if not version.cron_expression:
        raise Conflict("The job has no schedule: a backfill runs its cron slots.", code="job_not_scheduled")
    most = settings.RUNS_BACKFILL_MAX_SLOTS
    try:
        slots = backfill_slots(version, start, end, most=most)
    except ScheduleError as exc:
        raise Conflict(f"The job's schedule cannot be read: {exc.message}", code="job_not_scheduled") from exc
    if len(slots) > most:
        raise InvalidInput(
            f"The range holds more than {most} slots.",
            field_errors={"to": f"At most {most} slots at once: a shorter range, or several backfills."},
        )
    if not slots:
        raise InvalidInput("The range holds no slot.", field_errors={"from": "No slot of the schedule in the range."})
    return version, slots


def backfill_preview(*, job: Job, start: dt.datetime, end: dt.datetime, max_concurrent: int = 1) -> list[dt.datetime]:
    """The slots `backfill_create` would run for [start, end], refused as it would refuse them (the console lists
    them before anyone confirms). Creates nothing."""
    return _checked(job, start, end, max_concurrent)[1]


@transaction.atomic
def backfill_create(
    *, principal: Principal, job: Job, start: dt.datetime, end: dt.datetime, max_concurrent: int = 1
) -> tuple[JobBackfill, bool]:
    """The backfill of [start, end] and whether this call created it (False: the same range was asked before, and
    this call changed nothing). Its runs execute the job's current version."""
    require(principal, RUN, job, team_ids=job.team_ids)
    version, slots = _checked(job, start, end, max_concurrent)
    existing = JobBackfill.objects.filter(job=job, range_from=start, range_to=end).first()
    if existing is not None:
        return existing, False
    backfill = JobBackfill(
        organization_id=job.organization_id,
        job=job,
        version_number=version.number,
        range_from=start,
        range_to=end,
        max_concurrent=max_concurrent,
        slot_count=len(slots),
    )
    try:
        with transaction.atomic():
            backfill.save(force_insert=True)
    except IntegrityError:  # the same request, concurrently: it won
        return JobBackfill.objects.get(job=job, range_from=start, range_to=end), False
    created = 0
    for slot in slots:  # oldest first: the dispatcher takes ready runs in creation order
        run = new_run(
            job=job, version=version, trigger=RunTrigger.BACKFILL, scheduled_for=slot, backfill_id=backfill.pk
        )
        created += run is not None
    _record(
        "create",
        backfill,
        {"from": start.isoformat(), "to": end.isoformat(), "slots": len(slots), "runsCreated": created},
    )
    return backfill, True


@transaction.atomic
def backfill_cancel(*, principal: Principal, backfill: JobBackfill) -> JobBackfill:
    """Cancel every run of the backfill that has not ended (executing ones are asked to stop); repeatable."""
    require(principal, RUN, backfill.job, team_ids=backfill.job.team_ids)
    job = backfill.job
    backfill = JobBackfill.objects.select_for_update().get(pk=backfill.pk)
    backfill.job = job
    if backfill.cancelled_at is None:
        backfill.cancelled_at = clock.now()
        backfill.save(update_fields=["cancelled_at", "updated_at", "updated_by"])
    active = (
        JobRun.objects.filter(job_id=backfill.job_id, backfill_id=backfill.pk)
        .exclude(status__in=TERMINAL_RUN_STATUSES)
        .order_by("scheduled_for")
        .values_list("pk", flat=True)
    )
    cancelled = 0
    for run_id in list(active):
        run = locked_run(run_id)
        if run.status not in TERMINAL_RUN_STATUSES:
            request_cancel(run, message="Its backfill was cancelled.")
            cancelled += 1
    _record("cancel", backfill, {"runsCancelled": cancelled})
    return backfill
