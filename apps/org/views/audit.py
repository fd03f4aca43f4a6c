"""The audit log page: the API's filters as a form, newest first, in the console's shared list."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.core.console import console_view
from apps.core.console_list import Column, console_list
from apps.core.context_processors import viewer_timezone
from apps.org.selectors.audit import AUDIT_LIST, audit_event_list

AUDIT_COLUMNS = (
    Column("Time", "time"),
    Column("Actor"),
    Column("Action", "action"),
    Column("Target"),
    Column("Outcome"),
    Column("IP"),
    Column("Changes"),
)


class AuditFilterForm(forms.Form):
    actor = forms.CharField(required=False, max_length=20, label="Actor ID")
    action = forms.CharField(required=False, max_length=100, label="Action", help_text="Or its start: team.")
    target_type = forms.CharField(required=False, max_length=64, label="Target type")
    target_id = forms.CharField(required=False, max_length=64, label="Target ID")
    after = forms.DateTimeField(
        required=False, label="From", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    before = forms.DateTimeField(
        required=False, label="Until", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


@console_view
@require_GET
def audit_events(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    with timezone.override(viewer_timezone(request)[0]):  # From and Until are typed in the viewer's timezone
        form.is_valid()  # a filter that is not valid shows its error and is left out; the others still apply
    filters = form.cleaned_data
    listing = console_list(
        request,
        audit_event_list(
            principal=request.principal,
            actor_id=filters.get("actor", ""),
            action=filters.get("action", ""),
            target_type=filters.get("target_type", ""),
            target_id=filters.get("target_id", ""),
            created_after=filters.get("after"),
            created_before=filters.get("before"),
        ),
        AUDIT_LIST,
        columns=AUDIT_COLUMNS,
        target="audit-table",
        noun="audit event",
        filters=tuple(AuditFilterForm.base_fields),
    )
    if listing.partial:
        return render(request, "org/_audit_table.html", {"list": listing})
    return render(request, "org/audit_events.html", {"list": listing, "form": form})
