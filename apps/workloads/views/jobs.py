"""Jobs in the console: the list, and a job's page in tabs (overview, versions with a diff between any two, runs,
teams, schedule), with pause and resume, activate a version, teams and delete. The same selectors and services as
the API."""

import json
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from apps.core import clock
from apps.core.console import ConsoleRequest, console_view, succeeded
from apps.core.console_list import Column, console_list
from apps.core.errors import InvalidInput
from apps.core.htmx import is_partial
from apps.core.principal import Principal
from apps.org.access import has
from apps.org.selectors.teams import team_get, team_list
from apps.workloads.diff import Change, version_diff
from apps.workloads.models import Job, JobStatus, JobVersion
from apps.workloads.schedule import ScheduleError, validate
from apps.workloads.selectors.jobs import (
    job_get,
    job_list,
    job_version_named,
    job_versions,
    team_jobs,
    with_numbers,
)
from apps.workloads.selectors.previews import checked_fire_times
from apps.workloads.services import job_versions as version_services
from apps.workloads.services import jobs as services
from apps.workloads.views.lists import JOB_LIST, may_author, team_choices, team_names
from apps.workloads.views.runs import runs_tab_context

MANAGE = "CanManageJobs"
COLUMNS = (
    Column("Job", "key"),
    Column("Status", "status"),
    Column("Schedule"),
    Column("Next run", "next"),
    Column("Last run"),
    Column("Teams"),
)
FILTERS = ("status", "team")
TABS = (
    ("overview", "Overview"),
    ("versions", "Versions"),
    ("runs", "Runs"),
    ("teams", "Teams"),
    ("schedule", "Schedule"),
)
UPCOMING = 10


def schedule_words(version: JobVersion | None) -> str:
    """The schedule of a version in words (the cron library's)."""
    if version is None or not version.cron_expression:
        return "Not scheduled"
    try:
        return validate(version.cron_expression, version.cron_timezone) + f" ({version.cron_timezone})"
    except ScheduleError:
        return version.cron_expression


@console_view
@require_GET
def jobs_page(request: ConsoleRequest) -> HttpResponse:
    principal = request.principal
    jobs = job_list(principal=principal)
    team_id = request.GET.get("team", "").strip()
    if team_id:
        jobs = team_jobs(
            principal=principal, team=team_get(principal=principal, team_id=team_id, relation="CanViewJobs")
        )
    status = request.GET.get("status", "").strip()
    if status in JobStatus.values:
        jobs = jobs.filter(status=status)
    listing = console_list(request, jobs, JOB_LIST, columns=COLUMNS, target="job-table", noun="job", filters=FILTERS)
    names = team_names(principal, {t for job in listing.items for t in job.team_ids})
    for job in listing.items:
        job.schedule_words = schedule_words(job.current_version)
        job.team_names = [names.get(t, "another team") for t in job.team_ids]
    if listing.partial:
        return render(request, "workloads/jobs/table.html", {"list": listing})
    context = {
        "list": listing,
        "statuses": JobStatus.choices,
        "teams": team_list(principal=principal, relation="CanViewJobs").order_by("name"),
        "can_create": may_author(principal, MANAGE),
    }
    return render(request, "workloads/jobs/list.html", context)


def job_url(job: Job, tab: str = "overview") -> str:
    return reverse("workloads-job" if tab == "overview" else f"workloads-job-{tab}", args=[job.pk])


def _page(request: ConsoleRequest, job: Job, tab: str, **extra: Any) -> HttpResponse:
    principal: Principal = request.principal
    with_numbers([job])
    context = {
        "job": job,
        "tab": tab,
        "tabs": [(key, label, job_url(job, key)) for key, label in TABS],
        "version": job.current_version,
        "can_manage": has(principal, MANAGE, team_ids=job.team_ids),
        **extra,
    }
    return render(request, f"workloads/jobs/tab_{tab}.html", context)


@console_view
@require_GET
def job_overview(request: ConsoleRequest, job_id: str) -> HttpResponse:
    job = job_get(principal=request.principal, job_id=job_id)
    version = job.current_version
    return _page(
        request,
        job,
        "overview",
        schedule_words=schedule_words(version),
        cluster=version.cluster if version else None,
        query=None if version is None or version.query_id is None else version.query,
    )


@console_view
@require_GET
def job_versions_tab(request: ConsoleRequest, job_id: str) -> HttpResponse:
    """The published versions, and the diff between the two the form names (default: the previous and current)."""
    job = job_get(principal=request.principal, job_id=job_id)
    versions = list(job_versions(job=job).order_by("-number"))
    current = job.current_version.number if job.current_version else None
    base = request.GET.get("from") or (str(current - 1) if current and current > 1 else "")
    target = request.GET.get("to") or (str(current) if current else "")
    changes = _diff(job, base, target) if base and target else None
    context = {"versions": versions, "diff_from": base, "diff_to": target, "changes": changes}
    if is_partial(request) and request.GET.get("from"):
        return render(request, "workloads/jobs/_diff.html", context)
    return _page(request, job, "versions", **context)


def _diff(job: Job, base: str, target: str) -> list[dict[str, Any]]:
    return diff_rows(
        version_diff(
            job_version_named(job=job, name=base, field="from"), job_version_named(job=job, name=target, field="to")
        )
    )


def _shown(value: Any) -> str | None:
    return value if value is None or isinstance(value, str) else json.dumps(value, sort_keys=True)


def diff_rows(changes: list[Change]) -> list[dict[str, Any]]:
    """Changes as the diff template shows them: values other than text as JSON."""
    return [
        {"path": c.path, "kind": c.kind, "before": _shown(c.before), "after": _shown(c.after), "lines": c.lines}
        for c in changes
    ]


@console_view
@require_GET
def job_runs_tab(request: ConsoleRequest, job_id: str) -> HttpResponse:
    job = job_get(principal=request.principal, job_id=job_id)
    return _page(request, job, "runs", **runs_tab_context(request, job))


@console_view
@require_GET
def job_teams_tab(request: ConsoleRequest, job_id: str) -> HttpResponse:
    principal = request.principal
    job = job_get(principal=principal, job_id=job_id)
    names = team_names(principal, set(job.team_ids))
    linked = [(t, names.get(t, "another team")) for t in job.team_ids]
    candidates = [(pk, name) for pk, name in team_choices(principal, MANAGE) if pk not in job.team_ids]
    return _page(request, job, "teams", linked=linked, candidates=candidates)


@console_view
@require_GET
def job_schedule_tab(request: ConsoleRequest, job_id: str) -> HttpResponse:
    job = job_get(principal=request.principal, job_id=job_id)
    version = job.current_version
    schedule = None
    if version is not None and version.cron_expression:
        schedule = checked_fire_times(version.cron_expression, version.cron_timezone, after=clock.now(), count=UPCOMING)
    return _page(request, job, "schedule", schedule=schedule, schedule_words=schedule_words(version))


@console_view
@require_POST
def job_activate(request: ConsoleRequest, job_id: str) -> HttpResponse:
    job = job_get(principal=request.principal, job_id=job_id)
    number = request.POST.get("version", "")
    if not number.isdigit() or len(number) > 9:
        raise InvalidInput("Choose a version.", field_errors={"version": "A version number."})
    version_services.version_activate(principal=request.principal, job=job, number=int(number))
    return succeeded(request, job_url(job, "versions"), f"Version {number} of {job.job_key} is current.")


@console_view
@require_POST
def job_status(request: ConsoleRequest, job_id: str) -> HttpResponse:
    """Pause or resume."""
    job = job_get(principal=request.principal, job_id=job_id)
    job = services.job_update(principal=request.principal, job=job, status=request.POST.get("status", ""))
    return succeeded(request, job_url(job), f"Job {job.job_key} is {job.status}.")


@console_view
@require_POST
def job_team_add(request: ConsoleRequest, job_id: str) -> HttpResponse:
    job = job_get(principal=request.principal, job_id=job_id)
    services.job_teams_add(principal=request.principal, job=job, team_ids=request.POST.getlist("team"))
    return succeeded(request, job_url(job, "teams"), "Team added.")


@console_view
@require_POST
def job_team_remove(request: ConsoleRequest, job_id: str, team_id: str) -> HttpResponse:
    job = job_get(principal=request.principal, job_id=job_id)
    services.job_team_remove(principal=request.principal, job=job, team_id=team_id)
    return succeeded(request, job_url(job, "teams"), "Team removed.")


@console_view
@require_POST
def job_delete(request: ConsoleRequest, job_id: str) -> HttpResponse:
    job = job_get(principal=request.principal, job_id=job_id)
    services.job_delete(principal=request.principal, job=job)
    return succeeded(request, "workloads-jobs", f"Job {job.job_key} deleted.")
