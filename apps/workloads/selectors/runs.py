"""Reads of job runs, their timelines and backfills: a run is visible with its job (`CanViewJobs`).

Lists are newest first (`-created_at, -id`, the order of the run indexes) and filtered by `RunFilters`. A list page
(`run_list_page`, `my_runs_page`) reads one index range from its marker, whatever its depth; its `total` is the
jobs' run counters (`JobRunCount`) without filters, and a count bounded by a filter's index with them.
"""

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import (
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    QuerySet,
    Sum,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils.dateparse import parse_datetime

from apps.core import clock
from apps.core.api.pagination import Page, after_marker, marker_page, parse_limit
from apps.core.errors import Conflict, InvalidInput, NotFound
from apps.core.principal import Principal
from apps.org.access import grants, visible
from apps.workloads.models import (
    TERMINAL_RUN_STATUSES,
    Job,
    JobBackfill,
    JobRun,
    JobRunCount,
    JobRunStatus,
    JobRunStatusChange,
    RunTrigger,
)
from apps.workloads.runner.paths import RunPaths

VIEW = "CanViewJobs"


@dataclass(frozen=True)
class RunFilters:
    """`status` and `trigger` (comma lists), `createdAfter`/`createdBefore` (RFC 3339), `jobVersion`."""

    statuses: tuple[str, ...] = ()
    triggers: tuple[str, ...] = ()
    created_after: dt.datetime | None = None
    created_before: dt.datetime | None = None
    job_version: int | None = None

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> "RunFilters":
        """The filters of a query string; every bad one is named at once (400)."""
        errors: dict[str, str] = {}
        statuses = _choices(params, "status", JobRunStatus.values, errors)
        triggers = _choices(params, "trigger", RunTrigger.values, errors)
        after = _instant(params, "createdAfter", errors)
        before = _instant(params, "createdBefore", errors)
        version = None
        raw = params.get("jobVersion") or ""
        if raw:
            if raw.isascii() and raw.isdigit() and len(raw) < 10 and int(raw) >= 1:
                version = int(raw)
            else:
                errors["jobVersion"] = "A version number."
        if errors:
            raise InvalidInput("Invalid run filters.", field_errors=errors)
        return cls(statuses, triggers, after, before, version)

    def apply(self, runs: QuerySet[JobRun]) -> QuerySet[JobRun]:
        if self.statuses:
            runs = runs.filter(status__in=self.statuses)
        if self.triggers:
            runs = runs.filter(trigger__in=self.triggers)
        if self.created_after is not None:
            runs = runs.filter(created_at__gte=self.created_after)
        if self.created_before is not None:
            runs = runs.filter(created_at__lt=self.created_before)
        if self.job_version is not None:
            runs = runs.filter(version_number=self.job_version)
        return runs


def _choices(params: Mapping[str, str], name: str, allowed: list[str], errors: dict[str, str]) -> tuple[str, ...]:
    values = tuple(dict.fromkeys(v.strip() for v in (params.get(name) or "").split(",") if v.strip()))
    if any(v not in allowed for v in values):
        errors[name] = f"A comma-separated list of: {', '.join(allowed)}."
    return values


def _instant(params: Mapping[str, str], name: str, errors: dict[str, str]) -> dt.datetime | None:
    raw = params.get(name) or ""
    if not raw:
        return None
    try:
        value = parse_datetime(raw)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        errors[name] = "An RFC 3339 time with its offset, such as 2026-04-06T00:00:00Z."
        return None
    return value.astimezone(dt.UTC)  # PostgreSQL refuses offsets past ±15:59, which RFC 3339 allows


def run_job_get(*, principal: Principal, job_id: str) -> Job:
    """The job a run list is asked for, visible as `job_get` decides (404 otherwise), with only its keys: a list needs
    no version, settings or team links of it."""
    jobs = visible(Job.objects.only("id", "organization_id", "job_key"), principal, VIEW, team_field="teams")
    job = jobs.filter(pk=job_id).first()
    if job is None:
        raise NotFound("Job not found.", code="job_not_found")
    return job


def run_list(*, principal: Principal, job: Job, filters: RunFilters | None = None) -> QuerySet[JobRun]:
    """The runs of `job` (already read through `job_get`, so visible), newest first."""
    # `job` is the organization's already: filtering on it alone lets `total` count the narrow job index alone.
    runs = JobRun.objects.filter(job=job).order_by("-created_at", "-id")
    return (filters or RunFilters()).apply(runs)


def _team_jobs(principal: Principal) -> QuerySet[Job] | None:
    """The ids of the jobs a team grant shows the principal; None for an organization-wide grant (all of them)."""
    if VIEW in grants(principal).org_wide:
        return None
    return visible(Job.objects.all(), principal, VIEW, team_field="teams").order_by().values("pk")


def my_runs(*, principal: Principal, filters: RunFilters | None = None) -> QuerySet[JobRun]:
    """The runs of every job the principal may see (`/me/jobs/runs`), newest first.

    An organization-wide grant reads the organization's runs directly (the `organization, -created_at` index);
    a team grant reads the runs of the teams' jobs through a semi-join, never a DISTINCT over runs."""
    runs = JobRun.objects.order_by("-created_at", "-id")
    if principal.org is None:
        return runs.none()
    jobs = _team_jobs(principal)
    runs = runs.filter(organization=principal.org) if jobs is None else runs.filter(job_id__in=jobs)
    return (filters or RunFilters()).apply(runs)


# The columns a run list shows (the sources of `JobRunSerializer`). A page reads them alone, as named rows rather
# than model instances: no result preview (up to 100 rows of data each), and a third less CPU per page.
LISTED = (
    "id", "job_id", "version_number", "status", "status_message", "hold", "resource_cleanup_mode", "dispatched_at",
    "finished_at", "runner_started_at", "runner_completed_at", "runner_execution_time_us", "trigger", "output_path",
    "row_count", "cleaned_at", "pending_reason", "pending_detail", "scheduled_for", "attempt", "retryable",
    "cancel_requested_at", "parameters", "named_parameters", "estimated_cost", "backfill_id", "created_at",
    "created_by", "updated_at", "updated_by",
)  # fmt: skip


def run_list_page(
    *, principal: Principal, job: Job, filters: RunFilters | None = None, params: Mapping[str, str]
) -> Page:
    """A marker page of `run_list` (`limit`, `marker` in `params`) with its `total`; its items are named rows of the
    `LISTED` columns."""
    filters = filters or RunFilters()
    runs = run_list(principal=principal, job=job, filters=filters)
    page = marker_page(runs.values_list(*LISTED, named=True), params)
    if filters == RunFilters():
        page.total = JobRunCount.objects.filter(job_id=job.pk).values_list("runs", flat=True).first() or 0
    else:
        page.total = runs.count()
    return page


def my_runs_page(*, principal: Principal, filters: RunFilters | None = None, params: Mapping[str, str]) -> Page:
    """A marker page of `my_runs` (`limit`, `marker` in `params`) with its `total`; its items are named rows of the
    `LISTED` columns.

    A team grant's page on PostgreSQL reads each visible job's newest runs after the marker from the job's index
    (`_newest_of_each`): a walk down the organization's runs would pass every run of the jobs it does not show
    first, all of them when the shown jobs ran long ago."""
    filters = filters or RunFilters()
    runs = my_runs(principal=principal, filters=filters)
    if principal.org is None:
        return Page(objects=[], total=0)
    jobs = _team_jobs(principal)
    if jobs is not None and not jobs.query.is_empty() and connection.vendor == "postgresql":
        newest = JobRun.objects.filter(pk__in=_newest_of_each(jobs, filters, params)).order_by("-created_at", "-id")
        page = marker_page(newest.values_list(*LISTED, named=True), params)
    else:
        page = marker_page(runs.values_list(*LISTED, named=True), params)
    if filters == RunFilters():
        counts = JobRunCount.objects.filter(organization=principal.org)
        if jobs is not None:
            counts = counts.filter(job_id__in=jobs)
        page.total = counts.aggregate(runs=Sum("runs"))["runs"] or 0
    else:
        page.total = runs.count()
    return page


def _newest_of_each(jobs: QuerySet[Job], filters: RunFilters, params: Mapping[str, str]) -> RawSQL:
    """The ids of the `limit + 1` newest runs after the marker among `jobs`, as a subquery: each job's newest run
    (its head), a probe of the job's index; the newest `limit + 1` heads bound the page from below (those runs are
    in it or older than it); then, for each job whose head is past that bound, its newest `limit + 1` runs after the
    bound, and the newest of those. `LATERAL` reads from each job's index, bounded by the filters and the marker: a
    team of 300 jobs costs about 300 probes and a page of rows, whatever the organization holds."""
    limit = parse_limit(params) + 1
    own = after_marker(filters.apply(JobRun.objects.filter(job_id=RawSQL("visible.id", ()))), params)
    head_sql, head_params = own.values("created_at")[:1].query.sql_with_params()
    bounded = own.filter(created_at__gte=RawSQL("(SELECT at FROM bound)", (), output_field=DateTimeField()))
    page_sql, page_params = bounded.values("id", "created_at")[:limit].query.sql_with_params()
    jobs_sql, jobs_params = jobs.query.sql_with_params()
    sql = (
        f"WITH visible (id) AS ({jobs_sql}),"
        f" heads (id, at) AS (SELECT visible.id, head.created_at FROM visible CROSS JOIN LATERAL ({head_sql}) AS head),"
        " bound (at) AS (SELECT COALESCE((SELECT at FROM heads ORDER BY at DESC OFFSET %s LIMIT 1), '-infinity'))"
        f" SELECT newest.id FROM heads AS visible CROSS JOIN LATERAL ({page_sql}) AS newest"
        " WHERE visible.at >= (SELECT at FROM bound) ORDER BY newest.created_at DESC, newest.id DESC LIMIT %s"
    )
    return RawSQL(sql, (*jobs_params, *head_params, limit - 1, *page_params, limit))


def run_get(*, principal: Principal, job: Job, run_id: str) -> JobRun:
    """A run of `job` (already visible); 404 for any other id, another job's run included."""
    run = JobRun.objects.filter(job=job, pk=run_id).first()
    if run is None:
        raise NotFound("Job run not found.", code="job_run_not_found")
    run.job = job
    return run


def run_timeline(*, run: JobRun) -> list[JobRunStatusChange]:
    """Each status the run entered, oldest first (retries included: the history of one id)."""
    return list(JobRunStatusChange.objects.filter(run=run).order_by("at", "id"))


def backfill_get(*, principal: Principal, job: Job, backfill_id: str) -> JobBackfill:
    backfill = JobBackfill.objects.filter(job=job, pk=backfill_id).first()
    if backfill is None:
        raise NotFound("Backfill not found.", code="backfill_not_found")
    backfill.job = job
    return backfill


def backfill_slots(*, backfill: JobBackfill) -> QuerySet[JobRun]:
    """The runs of every slot in the backfill's range, whoever created them (its own carry its id), oldest first."""
    return JobRun.objects.filter(
        job_id=backfill.job_id, scheduled_for__gte=backfill.range_from, scheduled_for__lte=backfill.range_to
    ).order_by("scheduled_for")


def with_progress(backfill: JobBackfill) -> JobBackfill:
    """Set `run_counts` (its own runs by status), `slot_runs` (each slot's run) and `state` on the backfill."""
    counts = (
        JobRun.objects.filter(job_id=backfill.job_id, backfill_id=backfill.pk)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    backfill.run_counts = dict(counts)
    slots = backfill_slots(backfill=backfill).only("id", "scheduled_for", "status", "backfill_id")
    backfill.slot_runs = list(slots[: settings.RUNS_BACKFILL_MAX_SLOTS])
    if backfill.cancelled_at is not None:
        backfill.state = "cancelled"
    elif any(status not in TERMINAL_RUN_STATUSES for status in backfill.run_counts):
        backfill.state = "running"
    else:
        backfill.state = "finished"
    return backfill


# --- Logs, results, cost ---

LOG_STREAMS = {"stdout": "stdout_log", "stderr": "stderr_log", "runner": "runner_log", "sail": "sail_log"}
LOG_CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class LogChunk:
    stream: str
    offset: int
    next_offset: int
    size: int
    data: str
    complete: bool


def _whole_characters(raw: bytes) -> bytes:
    """`raw` without a UTF-8 sequence cut at its end (the next chunk starts with it)."""
    for back in range(1, min(4, len(raw)) + 1):
        byte = raw[-back]
        if byte & 0xC0 != 0x80:  # ASCII or the lead byte of a sequence
            length = 1 if byte < 0x80 else 2 if byte >> 5 == 0b110 else 3 if byte >> 4 == 0b1110 else 4
            return raw if length <= back else raw[:-back]
    return raw


def run_log(*, run: JobRun, stream: str, offset: int = 0, limit: int = LOG_CHUNK_BYTES) -> LogChunk:
    """Up to `limit` bytes of one of the run's logs from `offset`, for tailing: ask again from `next_offset`."""
    path = getattr(RunPaths.for_run(run.pk), LOG_STREAMS[stream])
    try:
        with path.open("rb") as log:
            size = os.fstat(log.fileno()).st_size
            offset = min(offset, size)
            log.seek(offset)
            raw = log.read(limit)
    except FileNotFoundError:
        size, offset, raw = 0, 0, b""
    ended = run.status in TERMINAL_RUN_STATUSES
    if not (ended and offset + len(raw) >= size):  # a writer may be mid-character; an ended log is what it is
        raw = _whole_characters(raw)
    next_offset = offset + len(raw)
    return LogChunk(
        stream=stream,
        offset=offset,
        next_offset=next_offset,
        size=size,
        data=raw.decode("utf-8", errors="replace"),
        complete=ended and next_offset >= size,
    )


@dataclass(frozen=True)
class ResultSet:
    run_id: str
    output_path: str
    row_count: int | None
    columns: list[dict[str, str]]
    rows: list[list[Any]]
    truncated: bool


def run_results(*, run: JobRun) -> ResultSet:
    """The succeeded run's result: its schema and up to 100 rows (409 before it succeeded)."""
    if run.status != JobRunStatus.SUCCEEDED:
        raise Conflict(f"The run has no results: it is {run.status}.", code="run_has_no_results")
    preview = run.preview or {}
    columns, rows = list(preview.get("columns") or []), list(preview.get("rows") or [])
    return ResultSet(
        run_id=run.pk,
        output_path=run.output_path,
        row_count=run.row_count,
        columns=columns,
        rows=rows,
        truncated=run.row_count is not None and run.row_count > len(rows),
    )


COST_DEFAULT_PERIOD = dt.timedelta(days=30)


@dataclass(frozen=True)
class JobCost:
    job_id: str
    start: dt.datetime
    end: dt.datetime
    currency: str
    estimated_cost: float
    run_count: int
    costed_run_count: int
    run_seconds: float


def cost_period(params: Mapping[str, str]) -> tuple[dt.datetime, dt.datetime]:
    """`from` and `to` of a query string: default the 30 days before now."""
    errors: dict[str, str] = {}
    start, end = _instant(params, "from", errors), _instant(params, "to", errors)
    if errors:
        raise InvalidInput("Invalid period.", field_errors=errors)
    end = end or clock.now()
    start = start or end - COST_DEFAULT_PERIOD
    if start > end:
        raise InvalidInput("Invalid period.", field_errors={"from": "At or before `to`."})
    return start, end


def job_cost(*, job: Job, start: dt.datetime, end: dt.datetime) -> JobCost:
    """What the job's runs that finished in [start, end) cost, by their `estimated_cost`."""
    held = ExpressionWrapper(F("finished_at") - Coalesce("dispatched_at", "runner_started_at"), DurationField())
    totals = JobRun.objects.filter(job=job, finished_at__gte=start, finished_at__lt=end).aggregate(
        # Every column here is in `wl_run_job_finished_idx`: an index-only scan.
        cost=Sum("estimated_cost"),
        runs=Count("job_id"),
        costed=Count("estimated_cost"),
        held=Sum(held),
    )
    return JobCost(
        job_id=job.pk,
        start=start,
        end=end,
        currency="USD",
        estimated_cost=float(totals["cost"] or Decimal(0)),
        run_count=totals["runs"],
        costed_run_count=totals["costed"],
        run_seconds=totals["held"].total_seconds() if totals["held"] else 0.0,
    )
