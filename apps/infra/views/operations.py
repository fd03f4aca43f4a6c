"""An infra operation's live progress page: stages, the resources its steps touch (status, duration), the summary;
the progress region polls every 2 s until the operation ends, then links to what it worked on."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from apps.core.console import console_view
from apps.core.htmx import is_partial
from apps.core.operations import Operation
from apps.infra.models import Network
from apps.org.selectors.operations import operation_get

# The record each kind of operation works on, and where its page is.
RECORD_PAGES = {"provisioned_cluster": "infra-cluster", "connection": "infra-connection"}


def record_url(operation: Operation) -> str:
    """The page of what the operation worked on (a network's is its connection's); empty once deleted."""
    if operation.resource_type == "network":
        connection_id = Network.objects.filter(pk=operation.resource_id).values_list("connection_id", flat=True).first()
        return reverse("infra-connection", args=[connection_id]) if connection_id else ""
    name = RECORD_PAGES.get(operation.resource_type)
    return reverse(name, args=[operation.resource_id]) if name else ""


def _context(request: HttpRequest, operation: Operation) -> dict[str, Any]:
    follow = request.GET.get("next", "")
    return {
        "operation": operation,
        "record_url": record_url(operation),
        # Where the cluster wizard continues once its new network is ready (only a console path).
        "next_url": follow if follow.startswith("/infra/") else "",
    }


@console_view
@require_GET
def operation_page(request: HttpRequest, operation_id: str) -> HttpResponse:
    operation = operation_get(principal=request.principal, operation_id=operation_id)  # type: ignore[attr-defined]
    return render(request, "infra/operation.html", _context(request, operation))


@console_view
@require_GET
def operation_progress(request: HttpRequest, operation_id: str) -> HttpResponse:
    operation = operation_get(principal=request.principal, operation_id=operation_id)  # type: ignore[attr-defined]
    template = "infra/_operation.html" if is_partial(request) else "infra/operation.html"
    return render(request, template, _context(request, operation))
