"""A job's draft in the console: create it, edit it with autosave, see what it changes, publish it, or discard it.

Saves are conditional, as the API's are: the page keeps the draft's ETag (the one `GET …/draft` answers, so the
console and API clients guard against each other) and sends it as `If-Match`. A save whose ETag is no longer the
draft's is refused with 412, saying who changed the draft and when, so the author reloads or overwrites knowingly.
The check and the write run under the API's lock for the draft's path, so two saves never both pass.
"""

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.cache import CacheLock
from apps.core.console import ConsoleRequest, console_view, succeeded
from apps.core.errors import ApplicationError, Forbidden, NotFound
from apps.core.etags import (
    API_PREFIX,
    LOCK_POLL_SECONDS,
    LOCK_TTL_SECONDS,
    LOCK_WAIT_SECONDS,
    ResourceBusy,
    etag_of,
    read_internally,
)
from apps.core.htmx import hx_trigger, is_partial
from apps.core.principal import Principal
from apps.org.selectors.members import member_list
from apps.workloads.diff import version_diff
from apps.workloads.models import Job, JobVersion
from apps.workloads.selectors.jobs import job_draft, job_draft_get, job_get
from apps.workloads.services import job_versions as services
from apps.workloads.views.job_forms import DraftForm, draft_form_error, version_initial
from apps.workloads.views.job_wizard import editor_choices
from apps.workloads.views.jobs import diff_rows, job_url

ETAG_FIELD = "etag"


def _draft_path(job: Job) -> str:
    return f"{API_PREFIX}workloads/jobs/{job.pk}/draft"


def draft_etag(request: ConsoleRequest, job: Job) -> str | None:
    """The draft's ETag as the API's `GET …/draft` gives it to this caller."""
    return etag_of(read_internally(request, _draft_path(job)))


@contextmanager
def _draft_lock(job: Job) -> Iterator[None]:
    # The key apps.core.etags.ConditionalRequestMiddleware takes for the same target: API and console queue together.
    path = _draft_path(job)
    lock = CacheLock(f"etag:lock:{hashlib.sha256(path.encode()).hexdigest()}", ttl=LOCK_TTL_SECONDS)
    if not lock.acquire(wait=LOCK_WAIT_SECONDS, poll=LOCK_POLL_SECONDS):
        raise ResourceBusy("Other saves of this draft are queued: retry shortly.", retry_after=1)
    try:
        yield
    finally:
        lock.release()


def _form(request: ConsoleRequest, job: Job, draft: JobVersion, data: Any = None) -> DraftForm:
    choices = editor_choices(request.principal, exclude_job=job.job_key)
    return DraftForm(data, choices=choices, initial=version_initial(draft))


def _editor(
    request: ConsoleRequest, job: Job, draft: JobVersion, form: DraftForm, *, status: int = 200
) -> HttpResponse:
    context = {"job": job, "draft": draft, "form": form, "etag": draft_etag(request, job)}
    return render(request, "workloads/jobs/draft.html", context, status=status)


@console_view
@require_GET
def draft_page(request: ConsoleRequest, job_id: str) -> HttpResponse:
    job = job_get(principal=request.principal, job_id=job_id)
    draft = job_draft(job=job)
    if draft is None:
        return render(request, "workloads/jobs/draft_none.html", {"job": job})
    return _editor(request, job, draft, _form(request, job, draft))


@console_view
@require_POST
def draft_create(request: ConsoleRequest, job_id: str) -> HttpResponse:
    """A draft copied from the current version (409 when there is one: the message says so)."""
    job = job_get(principal=request.principal, job_id=job_id)
    draft = services.draft_create(principal=request.principal, job=job, changes={})
    return succeeded(request, _draft_url(job), f"Draft version {draft.number} created from the current version.")


def _draft_url(job: Job) -> str:
    return reverse("workloads-job-draft", args=[job.pk])


def _editor_name(principal: Principal, user_id: str) -> str:
    if user_id == principal.id:
        return "you, in another window"
    member = member_list(principal=principal).filter(user_id=user_id).first()
    return (member.name or member.email) if member else "another member"


def _conditional(request: ConsoleRequest, job: Job, write: Callable[[], Any]) -> tuple[HttpResponse | None, Any]:
    """Run `write` if the ETag the page sent is still the draft's: (None, its result); else (the 412 answer, None)."""
    wanted = request.headers.get("If-Match") or request.POST.get(ETAG_FIELD, "")
    with _draft_lock(job):
        current = draft_etag(request, job)
        if current is None:
            raise NotFound(f"Job {job.job_key} has no draft version.", code="draft_not_found")
        if wanted and wanted not in ("*", current):
            draft = job_draft_get(job=job)
            context = {
                "job": job,
                "editor": _editor_name(request.principal, draft.updated_by),
                "changed_at": draft.updated_at,
                "current_etag": current,
            }
            response = render(request, "workloads/jobs/_draft_conflict.html", context, status=412)
            response["ETag"] = current
            return response, None
        return None, write()


@console_view
@require_http_methods(["POST"])
def draft_save(request: ConsoleRequest, job_id: str) -> HttpResponse:
    """Autosave (htmx, `If-Match`) or the Save button (without script: the ETag in a hidden field)."""
    principal = request.principal
    job = job_get(principal=principal, job_id=job_id)
    draft = job_draft_get(job=job)
    form = _form(request, job, draft, request.POST)
    partial = is_partial(request)
    if not form.is_valid():
        return _not_saved(request, job, draft, form, partial)
    try:
        refused, saved = _conditional(
            request, job, lambda: services.draft_update(principal=principal, job=job, changes=form.changes(draft))
        )
    except ApplicationError as exc:
        if isinstance(exc, Forbidden | NotFound):
            raise
        draft_form_error(form, exc)
        return _not_saved(request, job, draft, form, partial)
    if refused is not None:
        return refused
    if not partial:
        return succeeded(request, _draft_url(job), "Draft saved.")
    etag = draft_etag(request, job)
    response = render(request, "workloads/jobs/_draft_status.html", {"saved": saved, "etag": etag})
    response["ETag"] = etag or ""
    return hx_trigger(response, draftSaved={"etag": etag})


def _not_saved(request: ConsoleRequest, job: Job, draft: JobVersion, form: DraftForm, partial: bool) -> HttpResponse:
    if partial:
        errors = [(form[name].label if name in form.fields else "", e) for name, es in form.errors.items() for e in es]
        return render(request, "workloads/jobs/_draft_status.html", {"errors": errors}, status=400)
    return _editor(request, job, draft, form, status=400)


@console_view
@require_GET
def draft_diff(request: ConsoleRequest, job_id: str) -> HttpResponse:
    """What the draft changes from the current version."""
    job = job_get(principal=request.principal, job_id=job_id)
    return render(request, "workloads/jobs/_diff.html", {"changes": _changes(job), "draft_diff": True})


def _changes(job: Job) -> list:
    draft = job_draft_get(job=job)
    return diff_rows(version_diff(job.current_version, draft)) if job.current_version else []


@console_view
@require_http_methods(["GET", "POST"])
def draft_publish(request: ConsoleRequest, job_id: str) -> HttpResponse:
    """GET: the publish dialog (the diff, then Publish); POST: publish the draft the dialog showed."""
    principal = request.principal
    job = job_get(principal=principal, job_id=job_id)
    if request.method == "POST":
        refused, published = _conditional(request, job, lambda: services.draft_publish(principal=principal, job=job))
        if refused is not None:
            return refused
        number = published.current_version.number
        return succeeded(request, job_url(job, "versions"), f"Version {number} published: it is current.")
    draft = job_draft_get(job=job)
    context = {"job": job, "draft": draft, "changes": _changes(job), "etag": draft_etag(request, job)}
    template = "workloads/jobs/_publish.html" if is_partial(request) else "workloads/jobs/publish.html"
    return render(request, template, context)


@console_view
@require_POST
def draft_discard(request: ConsoleRequest, job_id: str) -> HttpResponse:
    job = job_get(principal=request.principal, job_id=job_id)
    services.draft_discard(principal=request.principal, job=job)
    return succeeded(request, job_url(job), "Draft discarded.")
