"""Runs in the console (docs/runs.md, "Console"): every run the viewer may see, live; a run's page (its status
timeline, what it waits for, the live log tail, the results; release, retry, cancel, delete); and a job's runs tab
(recent runs, live, with a duration trend; run now; the upcoming slots; a backfill whose slots are listed before
it is created). The same selectors and services as the API.

Live parts poll while something can still change and stop by themselves: a region renders its polling attributes
only while one of its runs has not ended (a log: until it is complete).
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core import clock
from apps.core.api.pagination import marker_page
from apps.core.console import ConsoleRequest, add_service_error, console_view, succeeded
from apps.core.context_processors import viewer_timezone
from apps.core.errors import ApplicationError, Forbidden, InvalidInput
from apps.core.htmx import is_partial
from apps.core.principal import Principal
from apps.org.access import grants, has
from apps.workloads.models import TERMINAL_RUN_STATUSES, Job, JobRun, JobRunStatus, JobStatus, PendingReason
from apps.workloads.schedule import FireTime, ScheduleError, fire_times
from apps.workloads.selectors.jobs import job_get, job_list, job_versions
from apps.workloads.selectors.runs import (
    LOG_CHUNK_BYTES,
    LOG_STREAMS,
    LogChunk,
    my_runs,
    run_get,
    run_list,
    run_log,
    run_results,
    run_timeline,
)
from apps.workloads.services import run_backfills
from apps.workloads.services import runs as services
from apps.workloads.templatetags.run_display import run_seconds, seconds_text
from apps.workloads.views.runs_forms import BACKFILL_FIELDS, BackfillForm, RetryForm, RunFilterForm, RunNowForm

VIEW, RUN = "CanViewJobs", "CanRunJobs"
PAGE_SIZE = 25
RECENT = 10  # a job's runs tab
TREND = 30  # bars in the duration trend
UPCOMING = 5
JOB_CHOICES = 500  # the list's job filter offers the first jobs by key
TREND_WIDTH, TREND_HEIGHT = 300, 80


def _require_view(principal: Principal) -> None:
    """A 403 naming CanViewJobs for someone who may see no job at all (a job they may not see is a 404)."""
    if not (has(principal, VIEW) or grants(principal).teams_with(VIEW)):
        raise Forbidden("You may not see jobs or their runs.", code="permission_denied", caused_by=VIEW)


def _live(runs: list[JobRun]) -> bool:
    return any(run.status not in TERMINAL_RUN_STATUSES for run in runs)


def run_url(run: JobRun, name: str = "workloads-run") -> str:
    return reverse(name, args=[run.job_id, run.pk])


def runs_tab_url(job: Job) -> str:
    return reverse("workloads-job-runs", args=[job.pk])


# --- Every run the viewer may see ---


@console_view
@require_GET
def runs_page(request: ConsoleRequest) -> HttpResponse:
    principal = request.principal
    _require_view(principal)
    jobs = job_list(principal=principal).prefetch_related(None).order_by("job_key").values_list("pk", "job_key")
    form = RunFilterForm(request.GET, jobs=list(jobs[:JOB_CHOICES]))
    with timezone.override(viewer_timezone(request)[0]):  # the window is typed in the viewer's timezone
        filters, job_id = form.run_filters()
    runs = my_runs(principal=principal, filters=filters).select_related("job")
    if job_id:
        runs = runs.filter(job_id=job_id)
    page = marker_page(runs, {"limit": str(PAGE_SIZE), "marker": request.GET.get("marker", "")})
    context = {
        "form": form,
        "runs": page.objects,
        "live": _live(page.objects),
        "poll_url": _list_url(request, part="rows"),
        "older_url": _list_url(request, marker=page.marker) if page.marker else None,
        "newest_url": _list_url(request, marker=None) if request.GET.get("marker") else None,
        "filtered": any(request.GET.get(name) for name in form.fields),
    }
    if is_partial(request):
        part = "run-rows" if request.GET.get("part") == "rows" else "run-list"
        return render(request, f"workloads/runs/list.html#{part}", context)
    return render(request, "workloads/runs/list.html", context)


def _list_url(request: ConsoleRequest, **changes: str | None) -> str:
    query: QueryDict = request.GET.copy()
    query.pop("part", None)
    for name, value in changes.items():
        query.pop(name, None)
        if value:
            query[name] = value
    return f"{request.path}?{query.urlencode()}" if query else request.path


# --- A run's page ---


def _job_and_run(request: ConsoleRequest, job_id: str, run_id: str) -> tuple[Job, JobRun]:
    principal = request.principal
    _require_view(principal)
    job = job_get(principal=principal, job_id=job_id)
    return job, run_get(principal=principal, job=job, run_id=run_id)


@dataclass(frozen=True)
class Step:
    """One status of the timeline, and how long the run stayed in it (to the next one, or until now)."""

    status: str
    message: str
    at: dt.datetime
    lasted: str


def _timeline(run: JobRun, now: dt.datetime) -> list[Step]:
    changes = run_timeline(run=run)
    steps = []
    for change, after in zip(changes, [*changes[1:], None], strict=True):
        if after is not None:
            lasted = seconds_text((after.at - change.at).total_seconds())
        elif run.status in TERMINAL_RUN_STATUSES:
            lasted = ""
        else:
            lasted = f"{seconds_text((now - change.at).total_seconds())} so far"
        steps.append(Step(change.status, change.message, change.at, lasted))
    return steps


@dataclass(frozen=True)
class Waits:
    """What a pending run waits for, as a link (None: nothing to open, such as time itself)."""

    url: str | None
    label: str


def _waits_for(job: Job, run: JobRun) -> Waits | None:
    detail = run.pending_detail or {}
    reason = run.pending_reason
    if run.status != JobRunStatus.PENDING or reason in ("", PendingReason.HELD, PendingReason.RETRY_BACKOFF):
        return None
    if reason == PendingReason.WAITING_FOR_DEPENDENCY:
        key = detail.get("jobKey") or "the upstream job"
        if detail.get("jobId") and detail.get("runId"):
            return Waits(reverse("workloads-run", args=[detail["jobId"], detail["runId"]]), f"{key}'s run")
        if detail.get("jobId"):
            return Waits(reverse("workloads-job-runs", args=[detail["jobId"]]), f"{key}'s runs")
        return Waits(None, key)
    if reason == PendingReason.CONCURRENCY_LIMIT:
        return Waits(
            f"{reverse('workloads-runs')}?job={job.pk}&status=running", f"the runs of {job.job_key} running now"
        )
    cluster = run.cluster
    if cluster is None:
        return Waits(None, "a cluster (deleted)")
    return Waits(reverse("infra-cluster", args=[cluster.provisioned_cluster_id]), f"the cluster {cluster.name}")


def _log_tail(run: JobRun, stream: str) -> tuple[LogChunk, int]:
    """The end of a log (its last 64 KiB) and how many bytes before it are not shown."""
    chunk = run_log(run=run, stream=stream)
    if chunk.size <= LOG_CHUNK_BYTES:
        return chunk, 0
    skipped = chunk.size - LOG_CHUNK_BYTES
    return run_log(run=run, stream=stream, offset=skipped), skipped


def _log_context(job: Job, run: JobRun, stream: str) -> dict[str, Any]:
    chunk, skipped = _log_tail(run, stream)
    data = chunk.data.split("\n", 1)[-1] if skipped else chunk.data  # from the first whole line
    return {
        "chunk": chunk,
        "log_text": data,
        "skipped": skipped,
        "streams": list(LOG_STREAMS),
        "log_url": reverse("workloads-run-log", args=[job.pk, run.pk]),
    }


def _run_context(request: ConsoleRequest, job: Job, run: JobRun) -> dict[str, Any]:
    principal = request.principal
    current = job.current_version.number if job.current_version else None
    return {
        "job": job,
        "run": run,
        "current_number": current,
        "steps": _timeline(run, clock.now()),
        "waits_for": _waits_for(job, run),
        "results": run_results(run=run) if run.status == JobRunStatus.SUCCEEDED else None,
        "can_run": has(principal, RUN, team_ids=job.team_ids),
        "retry_form": RetryForm(),
        "live": run.status not in TERMINAL_RUN_STATUSES,
        "live_url": f"{run_url(run)}?part=live",
    }


def _stream(request: ConsoleRequest) -> str:
    stream = request.GET.get("stream") or "stdout"
    if stream not in LOG_STREAMS:
        raise InvalidInput("Unknown log stream.", field_errors={"stream": f"One of: {', '.join(LOG_STREAMS)}."})
    return stream


@console_view
@require_GET
def run_page(request: ConsoleRequest, job_id: str, run_id: str) -> HttpResponse:
    job, run = _job_and_run(request, job_id, run_id)
    context = _run_context(request, job, run)
    if is_partial(request) and request.GET.get("part") == "live":
        return render(request, "workloads/runs/detail.html#run-live", context)
    context.update(_log_context(job, run, _stream(request)))
    return render(request, "workloads/runs/detail.html", context)


def _offset(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 15):
        raise InvalidInput("offset is not valid.", field_errors={"offset": "A byte offset: 0 or more."})
    return int(raw)


@console_view
@require_GET
def run_log_partial(request: ConsoleRequest, job_id: str, run_id: str) -> HttpResponse:
    """With `offset`: what the log gained since (appended to the page) and the next poll. Without: a stream's tail."""
    job, run = _job_and_run(request, job_id, run_id)
    stream = _stream(request)
    if "offset" not in request.GET:
        if not is_partial(request):
            return run_page(request, job_id, run_id)
        return render(request, "workloads/runs/_log.html", {"run": run, **_log_context(job, run, stream)})
    chunk = run_log(run=run, stream=stream, offset=_offset(request.GET["offset"]))
    log_url = reverse("workloads-run-log", args=[job.pk, run.pk])
    return render(request, "workloads/runs/_log_chunk.html", {"run": run, "chunk": chunk, "log_url": log_url})


def _acted(request: ConsoleRequest, run: JobRun, message: str) -> HttpResponse:
    return succeeded(request, run_url(run), message)


@console_view
@require_POST
def run_release(request: ConsoleRequest, job_id: str, run_id: str) -> HttpResponse:
    _job, run = _job_and_run(request, job_id, run_id)
    run = services.run_release(principal=request.principal, run=run)
    return _acted(request, run, "Released." if run.status != JobRunStatus.PENDING else "Released; it still waits.")


@console_view
@require_POST
def run_retry(request: ConsoleRequest, job_id: str, run_id: str) -> HttpResponse:
    _job, run = _job_and_run(request, job_id, run_id)
    form = RetryForm(request.POST)
    hold = form.is_valid() and form.cleaned_data["hold"]
    run = services.run_retry(principal=request.principal, run=run, hold=hold)
    return _acted(request, run, f"Retrying (attempt {run.attempt}){', held' if hold else ''}.")


@console_view
@require_POST
def run_cancel(request: ConsoleRequest, job_id: str, run_id: str) -> HttpResponse:
    _job, run = _job_and_run(request, job_id, run_id)
    run = services.run_cancel(principal=request.principal, run=run)
    done = run.status == JobRunStatus.CANCELLED
    return _acted(request, run, "Cancelled." if done else "Cancelling: its worker stops it within seconds.")


@console_view
@require_POST
def run_delete(request: ConsoleRequest, job_id: str, run_id: str) -> HttpResponse:
    job, run = _job_and_run(request, job_id, run_id)
    services.run_delete(principal=request.principal, run=run)
    return succeeded(request, runs_tab_url(job), f"Run {run_id} deleted.")


# --- A job's runs tab ---


@dataclass(frozen=True)
class Bar:
    """One run of the duration trend: SVG coordinates (as text: no locale formatting), its status and its page."""

    x: str
    y: str
    width: str
    height: str
    status: str
    label: str
    url: str


def duration_trend(runs: list[JobRun]) -> tuple[list[Bar], float]:
    """Bars of the runs' durations (newest first in, oldest on the left out) scaled to the longest, and the longest."""
    timed = [(run, seconds) for run in reversed(runs) if (seconds := run_seconds(run)) is not None]
    longest = max((seconds for _run, seconds in timed), default=0.0)
    slot = TREND_WIDTH / TREND
    bars = []
    for i, (run, seconds) in enumerate(timed):
        height = max(seconds / (longest or 1.0) * (TREND_HEIGHT - 2), 1.0)
        bars.append(
            Bar(
                x=f"{i * slot + 1:.1f}",
                y=f"{TREND_HEIGHT - height:.1f}",
                width=f"{slot - 2:.1f}",
                height=f"{height:.1f}",
                status=run.status,
                label=f"Run {run.pk}: {run.status}, {seconds_text(seconds)}",
                url=run_url(run),
            )
        )
    return bars, longest


def _recent_context(principal: Principal, job: Job) -> dict[str, Any]:
    runs = run_list(principal=principal, job=job)
    recent = list(runs[:RECENT])
    ended = runs.filter(status__in=TERMINAL_RUN_STATUSES).exclude(dispatched_at=None, runner_started_at=None)
    trend, longest = duration_trend(list(ended[:TREND]))
    return {
        "recent": recent,
        "trend": trend,
        "trend_longest": seconds_text(longest),
        "recent_live": _live(recent),
        "recent_url": reverse("workloads-job-runs-recent", args=[job.pk]),
        "all_runs_url": f"{reverse('workloads-runs')}?job={job.pk}",
    }


def _upcoming(job: Job) -> list[FireTime]:
    version = job.current_version
    if job.status != JobStatus.ACTIVE or version is None or not version.cron_expression:
        return []
    try:
        return fire_times(version.cron_expression, version.cron_timezone, after=clock.now(), count=UPCOMING).fire_times
    except ScheduleError:
        return []


def _run_now_form(job: Job, data: Any = None) -> RunNowForm:
    versions = list(job_versions(job=job).order_by("-number").values_list("number", flat=True))
    current = job.current_version.number if job.current_version else None
    return RunNowForm(data, versions=versions, current=current)


def runs_tab_context(request: ConsoleRequest, job: Job) -> dict[str, Any]:
    """What `templates/workloads/jobs/_runs_tab.html` shows (the job page's runs tab passes it on)."""
    principal = request.principal
    can_run = has(principal, RUN, team_ids=job.team_ids)
    version = job.current_version
    return {
        **_recent_context(principal, job),
        "can_run": can_run,
        "run_now_form": _run_now_form(job) if can_run and version is not None else None,
        "upcoming": _upcoming(job),
        "scheduled": bool(version and version.cron_expression),
        "backfill_form": BackfillForm() if can_run and version and version.cron_expression else None,
    }


@console_view
@require_GET
def job_runs_recent(request: ConsoleRequest, job_id: str) -> HttpResponse:
    """The tab's live region: its recent runs and the trend, polled while one of them has not ended."""
    _require_view(request.principal)
    job = job_get(principal=request.principal, job_id=job_id)
    return render(request, "workloads/runs/_job_runs.html", {"job": job, **_recent_context(request.principal, job)})


@console_view
@require_POST
def run_now(request: ConsoleRequest, job_id: str) -> HttpResponse:
    job = job_get(principal=request.principal, job_id=job_id)
    form = _run_now_form(job, request.POST)
    if not form.is_valid():
        raise InvalidInput("Choose a published version.", field_errors={"jobVersion": "A published version."})
    hold = form.cleaned_data["hold"]
    run = services.run_create(
        principal=request.principal, job=job, version_number=form.cleaned_data["version"], hold=hold
    )
    return succeeded(request, run_url(run), f"Run {run.pk} created{': held until released' if hold else ''}.")


@console_view
@require_http_methods(["GET", "POST"])
def backfill(request: ConsoleRequest, job_id: str) -> HttpResponse:
    """The backfill dialog: the range (and how many at once), then its slots listed, then the confirmation.

    Preview and creation go through the backfill service's own checks, so what is listed is what it creates."""
    job = job_get(principal=request.principal, job_id=job_id)
    form = BackfillForm(request.POST if request.method == "POST" else None)
    slots: list[dt.datetime] | None = None
    taken: dict[dt.datetime, str] = {}
    if request.method == "POST":
        with timezone.override(viewer_timezone(request)[0]):
            valid = form.is_valid()
        if valid:
            data = form.cleaned_data
            try:
                if request.POST.get("confirm"):
                    made, created = run_backfills.backfill_create(
                        principal=request.principal,
                        job=job,
                        start=data["start"],
                        end=data["end"],
                        max_concurrent=data["max_concurrent"],
                    )
                    words = "created" if created else "was already asked for"
                    return succeeded(request, runs_tab_url(job), f"The backfill of {made.slot_count} slots {words}.")
                slots = run_backfills.backfill_preview(
                    job=job, start=data["start"], end=data["end"], max_concurrent=data["max_concurrent"]
                )
                existing = run_list(principal=request.principal, job=job).filter(scheduled_for__in=slots)
                taken = {slot: pk for slot, pk in existing.values_list("scheduled_for", "pk") if slot is not None}
            except ApplicationError as exc:
                if isinstance(exc, Forbidden):
                    raise
                add_service_error(form, exc, BACKFILL_FIELDS)
    context = {
        "job": job,
        "backfill_form": form,
        "slots": None if slots is None else [(slot, taken.get(slot)) for slot in slots],
        "new_runs": None if slots is None else len(slots) - len(taken),
    }
    template = "workloads/runs/_backfill_form.html" if is_partial(request) else "workloads/runs/backfill.html"
    return render(request, template, context)
