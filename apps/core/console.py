"""Helpers shared by console views: the acting principal (built the same way the API builds it), one way
to refuse (styled 403/404 pages in the console shell, every ApplicationError mapped, never a 500), and one
path for forms (`submit`: validate, call the service, show its errors on the form, redirect on success)."""

import re
from collections.abc import Callable, Collection, Mapping
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from apps.core.api.exceptions import api_error_response
from apps.core.errors import ApplicationError, Forbidden, NotFound
from apps.core.htmx import hx_trigger, is_partial
from apps.core.principal import Principal

T = TypeVar("T")

# The backends of a console without SMTP (no EMAIL_URL): email only reaches the server log.
LOG_EMAIL_BACKENDS = frozenset({"apps.core.mail.LogEmailBackend", "django.core.mail.backends.console.EmailBackend"})


class ConsoleRequest(HttpRequest):
    """The request a `console_view` receives."""

    principal: Principal


def console_principal(request: HttpRequest) -> Principal:
    return Principal(
        user=request.user,
        credential=getattr(request, "console_login", None),
        org=getattr(request, "console_org", None),
        member=getattr(request, "console_member", None),
    )


def console_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A signed-in console page; `request.principal` is the same Principal the API uses.

    A service's ApplicationError that the view does not handle becomes a page (404, 403, or the error's
    status) or, after a POST, a message on the page the user came from; never a server error.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return login_redirect(request)
        request.principal = console_principal(request)  # type: ignore[attr-defined]
        try:
            return view(request, *args, **kwargs)
        except ApplicationError as exc:
            return error_response(request, exc)

    return wrapper


def login_redirect(request: HttpRequest) -> HttpResponse:
    """To the login page, then back. htmx would follow a redirect and swap the login page into the region
    it was updating, so an htmx request (an expired session mid-search) navigates the whole window."""
    htmx = getattr(request, "htmx", None)
    if htmx:
        back = htmx.current_url_abs_path or request.get_full_path()
        return HttpResponseClientRedirect(f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': back})}")
    return redirect_to_login(request.get_full_path())


def error_response(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    if exc.code == "reauth_required":
        # A sensitive action with a sign-in older than the re-auth window: confirm the password, then come back.
        back = _same_site(request, request.headers.get("Referer", "")) or request.get_full_path()
        target = f"{resolve_url(settings.CONSOLE_REAUTH_URL)}?{urlencode({'next': back})}"
        messages.info(request, "Confirm your password to continue.")
        return HttpResponseClientRedirect(target) if getattr(request, "htmx", None) else redirect(target)
    if is_partial(request):
        # htmx swaps no error response: the page stays as it was and the message comes as a toast.
        response = HttpResponse(exc.message, status=exc.status, content_type="text/plain; charset=utf-8")
        return hx_trigger(response, toast={"level": "error", "text": _explanation(exc)})
    if request.method not in ("GET", "HEAD") and not isinstance(exc, NotFound | Forbidden):
        back = _same_site(request, request.headers.get("Referer", ""))
        if back:
            messages.error(request, exc.message)
            return redirect(back)
    return error_page(request, exc)


def _same_site(request: HttpRequest, url: str) -> str:
    """`url` when it is on this site (safe to redirect to), else an empty string."""
    safe = url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return url if url and safe else ""


_TITLES = {
    400: "The request is not valid",
    401: "Sign-in needed",
    403: "Permission needed",
    404: "Not found",
    409: "Conflict",
    413: "Too large",
    429: "Too many requests",
    503: "Unavailable",
}


def error_page(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    """The error inside the console shell (navigation kept), saying what is missing."""
    context = {
        "status": exc.status,
        "title": _TITLES.get(exc.status, "Something went wrong"),
        "detail": _explanation(exc),
        # The relation a 403 lacks, so the page can say who grants it.
        "permission": exc.caused_by if isinstance(exc, Forbidden) and (exc.caused_by or "").startswith("Can") else None,
    }
    template = {403: "403.html", 404: "404.html"}.get(exc.status, "components/error_page.html")
    response = render(request, template, context, status=exc.status)
    if exc.retry_after:
        response["Retry-After"] = str(exc.retry_after)
    return response


def permission_label(relation: str) -> str:
    """`CanManageMembers` → `Manage members`: the words of a permission, for people."""
    words = re.findall(r"[A-Z][a-z]*", relation.removeprefix("Can"))
    return " ".join([words[0], *(w.lower() for w in words[1:])]) if words else relation


def _explanation(exc: ApplicationError) -> str:
    if isinstance(exc, NotFound) and exc.code.endswith("_not_found") and exc.code != "not_found":
        thing = exc.code.removesuffix("_not_found").replace("_", " ")
        return f"This {thing} does not exist or you cannot see it."
    if isinstance(exc, Forbidden) and exc.code == "permission_denied" and (exc.caused_by or "").startswith("Can"):
        return f"You need the {permission_label(exc.caused_by)} permission ({exc.caused_by})."  # type: ignore[arg-type]
    return exc.message


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: the console's 404 page, or the API's error object under /api/."""
    message = exception.args[0] if exception and exception.args and isinstance(exception.args[0], str) else ""
    exc = NotFound(message or "This page does not exist or you cannot see it.")
    return api_error_response(request, exc) if request.path.startswith("/api/") else error_page(request, exc)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403: the console's 403 page, or the API's error object under /api/."""
    message = exception.args[0] if exception and exception.args and isinstance(exception.args[0], str) else ""
    exc = Forbidden(message or "You do not have permission to perform this action.")
    return api_error_response(request, exc) if request.path.startswith("/api/") else error_page(request, exc)


def add_service_error(
    form: forms.Form,
    exc: ApplicationError,
    field_map: Mapping[str, str] | None = None,
    *,
    top_codes: Collection[str] = (),
) -> None:
    """Show a service's ApplicationError on a console form: field errors on their fields, the rest on top.

    `field_map` maps the service's wire field names (`roleIds`) to form field names (`roles`); errors of
    a code in `top_codes` also show on top (a lockout says more than its field does).
    """
    field_map = field_map or {}
    placed = False
    for wire_name, message in exc.field_errors.items():
        name = field_map.get(wire_name, wire_name)
        if name in form.fields:
            form.add_error(name, message)
            placed = True
    if not placed or exc.code in top_codes:
        form.add_error(None, exc.message)


def submit(
    request: HttpRequest,
    form: forms.Form,
    action: Callable[[dict[str, Any]], T],
    *,
    done: Callable[[T], HttpResponse],
    page: Callable[[forms.Form], HttpResponse],
    errors: Callable[[forms.Form, ApplicationError], None] = add_service_error,
) -> HttpResponse:
    """The one path of a console form.

    On a valid POST, `action(cleaned_data)` calls the service; its ApplicationError goes onto the form
    (`errors`: the domain's `add_service_error` with its wire-name map) and `page(form)` renders it again,
    as it renders a GET or an invalid form; success returns `done(result)`, usually `succeeded(...)`.
    A missing permission refuses the action, not the input: `console_view` renders the 403 page naming it.
    """
    if request.method == "POST" and form.is_valid():
        try:
            result = action(form.cleaned_data)
        except ApplicationError as exc:
            if isinstance(exc, Forbidden) and exc.code == "permission_denied":
                raise
            errors(form, exc)
        else:
            return done(result)
    return page(form)


def succeeded(request: HttpRequest, to: str, message: str = "") -> HttpResponse:
    """A write that worked: POST → redirect → GET, so reloading never repeats it (htmx: HX-Redirect).

    `to` is a URL or a URL name; the message shows as a toast on the page it leads to.
    """
    if message:
        messages.success(request, message)
    url = resolve_url(to)
    return HttpResponseClientRedirect(url) if getattr(request, "htmx", False) else redirect(url)


def mail_is_logged() -> bool:
    """True when email goes to the server log (no SMTP server configured), so the console says so."""
    return settings.EMAIL_BACKEND in LOG_EMAIL_BACKENDS
