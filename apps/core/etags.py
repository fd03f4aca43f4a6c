"""ETags and conditional requests for every API resource, without code in the views.

- Every successful GET under /api/v1/ carries a strong ETag, a digest of its body (or the view's own ETag).
  `If-None-Match` naming it gets 304.
- A PATCH or PUT response carries the ETag that the resource's GET returns after the write: the middleware runs
  that GET view internally, so the two can never disagree. A 201 answering a POST to a collection carries the
  new resource's ETag when its body is that resource's representation (`<collection>/<id>` answers the same).
- `If-Match` is honoured on PATCH, PUT and DELETE (target: the request path) and on POST (target: the parent
  path, so `POST …/draft/publish` is checked against `…/draft`). The target's current ETag comes from running
  its GET view internally with the caller's own credentials, so a caller who may not see the resource gets the
  answer its GET gets (404, 403...). A mismatch, or a target without a representation, gets 412
  (`precondition_failed`, with the current ETag) and the write does not run. The check and the write run
  under a lock on the target path in the shared cache: two conditional writes to one resource never both pass.
"""

import copy
import hashlib
import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, QueryDict
from django.urls import Resolver404, resolve
from django.utils.http import parse_etags

from apps.core.api.exceptions import api_error_response, api_not_found
from apps.core.cache import CacheLock
from apps.core.errors import ApplicationError, Conflict

API_PREFIX = "/api/v1/"
CONDITIONAL_METHODS = {"PATCH", "PUT", "DELETE", "POST"}
LOCK_TTL_SECONDS = 60  # longer than a request may run, so a dead worker's lock is gone by the next minute
LOCK_WAIT_SECONDS = 10.0  # conditional writes to one resource queue this long before a 409
LOCK_POLL_SECONDS = 0.05


class PreconditionFailed(ApplicationError):
    status = 412
    code = "precondition_failed"
    error_type = "conflict"


class ResourceBusy(Conflict):
    code = "resource_busy"
    retryable = True


def etag_for(content: bytes) -> str:
    return f'"{hashlib.sha256(content).hexdigest()[:32]}"'


def etag_of(response: HttpResponse | None) -> str | None:
    """The ETag of a successful, buffered response: the view's own, else a digest of its body."""
    if response is None or response.streaming or not 200 <= response.status_code < 300:
        return None
    return response.get("ETag") or etag_for(response.content)


def read_internally(request: HttpRequest, path: str) -> HttpResponse | None:
    """What the GET view at `path` answers the caller of `request` now; None when no view is routed there."""
    try:
        match = resolve(path, urlconf=getattr(request, "urlconf", None))
    except Resolver404:
        return None
    if match.func is api_not_found:
        return None
    # A copy keeps the caller's credentials (Authorization, session, user, console login) and drops the rest.
    probe = copy.copy(request)
    probe.__dict__.pop("headers", None)  # cached from the original META
    probe.method = "GET"
    probe.path = request.path.removesuffix(request.path_info) + path
    probe.path_info = path
    probe.META = {**request.META, "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "CONTENT_LENGTH": "0"}
    probe.GET = QueryDict()
    probe.resolver_match = match
    response = match.func(probe, *match.args, **match.kwargs)
    if hasattr(response, "render"):
        response.render()
    return response


def _created_path(collection: str, content: bytes) -> str | None:
    """`<collection>/<id>` for a created entity's body: its `id`, or that of the one entity it wraps."""
    try:
        body = json.loads(content)
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    candidates = [body.get("id"), *(value.get("id") for value in body.values() if isinstance(value, dict))]
    found = next((value for value in candidates if isinstance(value, str) and value), None)
    return f"{collection}/{found}" if found else None


def _written_etag(request: HttpRequest, response: HttpResponse) -> str | None:
    if response.streaming or not 200 <= response.status_code < 300 or not response.content:
        return None
    if response.has_header("ETag"):
        return response["ETag"]
    if request.method in ("PATCH", "PUT"):
        return etag_of(read_internally(request, request.path_info))
    if request.method == "POST" and response.status_code == 201:
        created = _created_path(request.path_info, response.content)
        current = read_internally(request, created) if created else None
        if current is not None and current.status_code == 200 and current.content == response.content:
            return etag_of(current)
    return None


def _target(request: HttpRequest) -> str:
    return request.path_info.rsplit("/", 1)[0] if request.method == "POST" else request.path_info


def _refusal(request: HttpRequest, target: str, wanted: list[str]) -> HttpResponse | None:
    """None when `If-Match` holds for the target's current representation; else the response that refuses."""
    current = read_internally(request, target)
    if current is not None and current.status_code >= 400 and current.status_code != 405:
        return current
    tag = etag_of(current)
    if tag is not None and ("*" in wanted or tag in wanted):
        return None
    refusal = api_error_response(
        request,
        PreconditionFailed(
            "The resource changed since you read it: GET it again and retry with its current ETag."
            if tag
            else "The target of this request has no current representation for If-Match to match."
        ),
    )
    if tag is not None:
        refusal["ETag"] = tag
    return refusal


def _served(request: HttpRequest) -> bool:
    """Whether a view serves this method at this path: preconditions never turn a 404 or a 405 into a 412."""
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return False
    view_class = getattr(view, "cls", None) or getattr(view, "view_class", None)
    return view_class is not None and hasattr(view_class, (request.method or "").lower())


def _none_match(header: str | None, tag: str) -> bool:
    """If-None-Match compares weakly: `W/"x"` matches `"x"`."""
    if header is None:
        return False
    wanted = [value.removeprefix("W/") for value in parse_etags(header)]
    return "*" in wanted or tag in wanted


class ConditionalRequestMiddleware:
    """Innermost of the API middleware: its lock spans exactly the check, the view and the ETag of the result."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        if request.method == "GET":
            return self._read(request)
        if request.method not in CONDITIONAL_METHODS:
            return self.get_response(request)
        if_match = request.headers.get("If-Match")
        if if_match is None or not _served(request):
            return self._write(request)
        target = _target(request)
        lock = CacheLock(f"etag:lock:{hashlib.sha256(target.encode()).hexdigest()}", ttl=LOCK_TTL_SECONDS)
        if not lock.acquire(wait=LOCK_WAIT_SECONDS, poll=LOCK_POLL_SECONDS):
            return api_error_response(
                request,
                ResourceBusy("Other conditional writes to this resource are queued: retry shortly.", retry_after=1),
            )
        try:
            return _refusal(request, target, parse_etags(if_match)) or self._write(request)
        finally:
            lock.release()

    def _read(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        tag = etag_of(response)
        if tag is None:
            return response
        response["ETag"] = tag
        if not _none_match(request.headers.get("If-None-Match"), tag):
            return response
        not_modified = HttpResponseNotModified()
        for name in ("ETag", "Vary", "Cache-Control"):
            if response.has_header(name):
                not_modified[name] = response[name]
        return not_modified

    def _write(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if tag := _written_etag(request, response):
            response["ETag"] = tag
        return response
