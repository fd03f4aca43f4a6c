"""Helpers shared by console views: the acting principal, built the same way the API builds it."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from apps.org.access import Principal


def console_principal(request: HttpRequest) -> Principal:
    return Principal(
        user=request.user,
        credential=getattr(request, "console_login", None),
        org=getattr(request, "console_org", None),
        member=getattr(request, "console_member", None),
    )


def console_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A signed-in console page; `request.principal` is the same Principal the API uses."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        request.principal = console_principal(request)  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
