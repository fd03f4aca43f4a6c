"""The job creation wizard: basics → code → cluster and compute → schedule (live preview) → dependencies → teams →
review. Each step checks its own fields and keeps them in the session; the review makes the one call to `job_create`,
whose field errors go back to the steps that own the fields."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_http_methods, require_POST

from apps.core import clock
from apps.core.console import ConsoleRequest, console_view, succeeded
from apps.core.errors import ApplicationError, Forbidden, InvalidInput
from apps.core.principal import Principal
from apps.infra.selectors.clusters import cluster_list
from apps.org.access import grants, require
from apps.workloads.schedule import MAX_COUNT
from apps.workloads.selectors.jobs import job_list
from apps.workloads.selectors.previews import schedule_preview
from apps.workloads.selectors.queries import query_list
from apps.workloads.services.jobs import job_create
from apps.workloads.views import job_forms as parts
from apps.workloads.views.lists import team_choices

SESSION_KEY = "workloads.job_wizard"
MANAGE = "CanManageJobs"
FORMS: dict[str, type[parts.JobStepForm]] = {
    "basics": parts.BasicsForm,
    "code": parts.CodeForm,
    "compute": parts.ComputeForm,
    "schedule": parts.ScheduleForm,
    "dependencies": parts.DependenciesForm,
    "teams": parts.TeamsForm,
}
PREVIEW_COUNT = 5


def editor_choices(principal: Principal, *, exclude_job: str = "") -> dict[str, list[tuple[str, str]]]:
    """The choices of the job editor's select fields, read through the selectors."""
    queries = query_list(principal=principal).defer("query_text").order_by("name")
    clusters = cluster_list(principal=principal).order_by("name")
    jobs = job_list(principal=principal).exclude(job_key=exclude_job).order_by("job_key")
    return {
        "query": [("", "Choose a saved query"), *((q.pk, q.name) for q in queries)],
        "cluster": [
            ("", "Choose a cluster"),
            *((c.pk, f"{c.name} ({c.provisioned_cluster.status})") for c in clusters),
        ],
        "depends_on": [(key, key) for key in jobs.values_list("job_key", flat=True)],
        "teams": team_choices(principal, MANAGE),
    }


def _state(request: ConsoleRequest) -> dict[str, Any]:
    return request.session.setdefault(SESSION_KEY, {"data": {}, "errors": {}})


def _bound(state: dict[str, Any], step: str, choices: dict) -> parts.JobStepForm | None:
    """The step's form bound to what the wizard kept for it (None before the step was visited)."""
    raw = state["data"].get(step)
    if raw is None:
        return None
    data = QueryDict(mutable=True)
    data.update(MultiValueDict(raw))
    return FORMS[step](data, choices=choices)


def _step_url(step: str) -> str:
    return reverse("workloads-job-new-step", args=[step])


@console_view
def wizard_start(request: ConsoleRequest) -> HttpResponse:
    """A fresh wizard (what a previous one kept is dropped)."""
    request.session.pop(SESSION_KEY, None)
    return redirect(_step_url(parts.STEPS[0]))


@console_view
@require_http_methods(["GET", "POST"])
def wizard_step(request: ConsoleRequest, step: str) -> HttpResponse:
    if step not in parts.STEPS:
        raise Http404
    principal = request.principal
    require(principal, MANAGE, team_ids=grants(principal).teams_with(MANAGE))
    if step == "review":
        return _review(request)
    state = _state(request)
    choices = editor_choices(principal)
    if request.method == "POST":
        raw = {key: request.POST.getlist(key) for key in request.POST if key not in ("csrfmiddlewaretoken", "action")}
        state["data"][step] = raw
        state["errors"].pop(step, None)
        request.session.modified = True
        index = parts.STEPS.index(step)
        if request.POST.get("action") == "back":
            return redirect(_step_url(parts.STEPS[max(index - 1, 0)]))
        form = FORMS[step](request.POST, choices=choices)
        if form.is_valid():
            return redirect(_step_url(parts.STEPS[index + 1]))
    else:
        form = _bound(state, step, choices) or FORMS[step](choices=choices)
        if form.is_bound:
            form.is_valid()
            for field, message in state["errors"].get(step, {}).items():
                form.add_error(field if field in form.fields else None, message)
    return render(request, "workloads/jobs/wizard.html", _context(step, form, state))


def _context(step: str, form: Any, state: dict[str, Any], **extra: Any) -> dict[str, Any]:
    index = parts.STEPS.index(step)
    return {
        "step": step,
        "title": parts.STEP_TITLES[step],
        "steps": [
            {
                "key": key,
                "title": parts.STEP_TITLES[key],
                "visited": key in state["data"],
                "errors": key in state["errors"],
            }
            for key in parts.STEPS
        ],
        "number": index + 1,
        "previous": parts.STEPS[index - 1] if index else None,
        "form": form,
        **extra,
    }


def _complete(request: ConsoleRequest) -> tuple[dict[str, parts.JobStepForm], str | None]:
    """Every step's form, bound and checked; the first step that is missing or not valid (None when all are)."""
    state = _state(request)
    choices = editor_choices(request.principal)
    forms: dict[str, parts.JobStepForm] = {}
    for step in FORMS:
        form = _bound(state, step, choices)
        if form is None or not form.is_valid():
            return forms, step
        forms[step] = form
    return forms, None


def _fields(forms: dict[str, Any]) -> dict[str, Any]:
    """The version's fields, by wire name, from the steps."""
    compute = forms["compute"].compute_changes(None)
    code = forms["code"].code_changes({})
    fields = {
        **compute,
        **forms["schedule"].schedule_changes(),
        **forms["dependencies"].dependency_changes(),
        "config": {**compute.get("config", {}), **code.get("config", {})},
    }
    return fields


def _review(request: ConsoleRequest) -> HttpResponse:
    principal = request.principal
    forms, missing = _complete(request)
    if missing is not None:
        messages.info(request, f"Complete the step “{parts.STEP_TITLES[missing]}” first.")
        return redirect(_step_url(missing))
    basics = forms["basics"].cleaned_data
    fields = _fields(forms)
    if request.method == "POST":
        try:
            job = job_create(
                principal=principal,
                job_key=basics["job_key"],
                team_ids=forms["teams"].cleaned_data["teams"],
                status=basics["status"],
                description=basics["description"],
                fields=fields,
            )
        except ApplicationError as exc:
            if isinstance(exc, Forbidden):
                raise
            return _back_to_owner(request, exc)
        request.session.pop(SESSION_KEY, None)
        return succeeded(request, reverse("workloads-job", args=[job.pk]), f"Job {job.job_key} created: version 1.")
    choices = editor_choices(principal)
    schedule, schedule_error = _preview(principal, fields.get("cronExpression"), fields["cronTimezone"])
    code = forms["code"].cleaned_data
    context = _context(
        "review",
        None,
        _state(request),
        basics=basics,
        code=code,
        query_name=dict(choices["query"]).get(code["query"], ""),
        cluster_name=dict(choices["cluster"]).get(forms["compute"].cleaned_data["cluster"], ""),
        compute=forms["compute"].cleaned_data,
        scheduling=forms["schedule"].cleaned_data,
        schedule=schedule,
        schedule_error=schedule_error,
        depends_on=forms["dependencies"].cleaned_data["depends_on"],
        team_names=[dict(choices["teams"]).get(t, t) for t in forms["teams"].cleaned_data["teams"]],
    )
    return render(request, "workloads/jobs/wizard.html", context)


def _back_to_owner(request: ConsoleRequest, exc: ApplicationError) -> HttpResponse:
    """Each field error goes to the step that owns its field; the first such step is shown."""
    state = _state(request)
    first = "review"
    for wire, message in (exc.field_errors or {}).items():
        step, field = parts.step_of(wire)
        if step == "review":
            continue
        state["errors"].setdefault(step, {})[field or "__all__"] = message
        if parts.STEPS.index(step) < parts.STEPS.index(first):
            first = step
    request.session.modified = True
    messages.error(request, exc.message if first == "review" else "The job was not created: fix the fields marked.")
    return redirect(_step_url(first))


def _preview(principal: Principal, expression: str | None, timezone: str) -> tuple[Any, str]:
    if not expression:
        return None, ""
    try:
        return schedule_preview(
            principal=principal, expression=expression, timezone=timezone, after=clock.now(), count=PREVIEW_COUNT
        ), ""
    except InvalidInput as exc:
        return None, exc.message


@console_view
@require_POST
def schedule_preview_partial(request: ConsoleRequest) -> HttpResponse:
    """The live preview of the schedule fields as typed (the wizard's schedule step and the draft editor)."""
    count = request.POST.get("count", "")
    count_value = int(count) if count.isdigit() and 1 <= int(count) <= MAX_COUNT else PREVIEW_COUNT
    expression = request.POST.get("cron_expression", "").strip()
    timezone = request.POST.get("cron_timezone", "").strip() or "UTC"
    schedule, error = None, ""
    if expression:
        try:
            schedule = schedule_preview(
                principal=request.principal,
                expression=expression,
                timezone=timezone,
                after=clock.now(),
                count=count_value,
            )
        except InvalidInput as exc:
            error = exc.message
    return render(request, "workloads/jobs/_schedule_preview.html", {"schedule": schedule, "schedule_error": error})
