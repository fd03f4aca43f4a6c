from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from apps.core import dashboard_slots
from apps.core.console import ConsoleRequest, console_view
from apps.core.errors import ApplicationError
from apps.core.htmx import is_partial
from apps.org.selectors.operations import operation_get
from apps.org.services.diagnostics import diagnostics_start

SECTIONS = {
    "identity": ("Identity", "Nothing here yet", "Users, sign-in methods, SSO and service accounts will appear here."),
}


@console_view
@require_GET
def dashboard(request: ConsoleRequest) -> HttpResponse:
    """Where an administrator starts: the slots every domain registers (apps.core.dashboard_slots)."""
    principal = request.principal
    slots = dashboard_slots.fill(principal) if principal.org is not None else []
    return render(request, "org/dashboard.html", {"slots": slots})


@console_view
@require_GET
def section(request: ConsoleRequest, key: str) -> HttpResponse:
    if key not in SECTIONS:
        raise Http404
    label, heading, text = SECTIONS[key]
    return render(
        request, "org/section.html", {"section": {"label": label, "empty_heading": heading, "empty_text": text}}
    )


@console_view
@require_POST
def diagnostics(request: ConsoleRequest) -> HttpResponse:
    try:
        operation = diagnostics_start(principal=request.principal)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("dashboard")
    if is_partial(request):
        return render(request, "components/operation_progress.html", {"operation": operation})
    messages.success(request, "Diagnostics started.")
    return redirect("dashboard")


@console_view
@require_GET
def operation_progress(request: ConsoleRequest, operation_id: str) -> HttpResponse:
    operation = operation_get(principal=request.principal, operation_id=operation_id)
    return render(request, "components/operation_progress.html", {"operation": operation})
