"""Helpers shared by console views: the acting principal, built the same way the API builds it."""

from collections.abc import Callable, Collection
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from apps.core.errors import Forbidden, NotFound
from apps.core.principal import Principal


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
    """A signed-in console page; `request.principal` is the same Principal the API uses."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        request.principal = console_principal(request)  # type: ignore[attr-defined]
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:  # the same rule as the API: what you may not see does not exist
            raise Http404(exc.message) from exc
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc

    return wrapper


def add_service_error(form, exc, field_map: dict[str, str] | None = None, *, top_codes: Collection[str] = ()) -> None:
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


class Pager:
    """Page links for a numbered page, keeping the request's other query parameters."""

    def __init__(self, request: HttpRequest, page, *, limit: int, target: str) -> None:
        self.total = page.total or 0
        self.page = int(request.GET.get("page") or 1)
        self.pages = max(1, -(-self.total // limit)) if limit else 1
        self.target = target
        self._query = request.GET.copy()

    def _link(self, page: int) -> str:
        query = self._query.copy()
        query["page"] = str(page)
        return query.urlencode()

    @property
    def previous(self) -> str | None:
        return self._link(self.page - 1) if self.page > 1 else None

    @property
    def next(self) -> str | None:
        return self._link(self.page + 1) if self.page < self.pages else None
