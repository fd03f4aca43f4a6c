"""The delivery log (filters: status, channel, rule, time; redeliver), and each member's own notifications."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from apps.core.console import console_view, succeeded
from apps.core.console_list import Column, console_list
from apps.notifications.access import may_manage
from apps.notifications.forms import LogFilterForm
from apps.notifications.selectors.channels import channel_list
from apps.notifications.selectors.notifications import NOTIFICATION_LIST, notification_get, notification_list
from apps.notifications.selectors.rules import rule_list
from apps.notifications.services.notifications import REDELIVERABLE, notification_redeliver

LOG_COLUMNS = (
    Column("Time (UTC)", "time"),
    Column("Event"),
    Column("Channel"),
    Column("Rule"),
    Column("Status", "status"),
    Column("Attempts"),
    Column("Actions", hidden_label=True),
)


def _log(request: HttpRequest, *, member_only: bool, target: str) -> tuple:
    principal = request.principal
    if member_only:
        member_id = principal.member.pk if principal.member else None
        channels = list(channel_list(principal=principal, member_id=member_id)) if member_id else []
        rules = list(rule_list(principal=principal, member_id=member_id)) if member_id else []
    else:
        channels, rules = list(channel_list(principal=principal)), list(rule_list(principal=principal))
    form = LogFilterForm(request.GET, channels=channels, rules=rules)
    form.is_valid()  # a filter that is not valid shows its error and is left out; the others still apply
    filters = form.cleaned_data
    listing = console_list(
        request,
        notification_list(
            principal=principal,
            channel_id=filters.get("channel") or None,
            rule_id=filters.get("rule") or None,
            status=filters.get("status") or None,
            created_after=filters.get("after"),
            created_before=filters.get("before"),
            member_only=member_only,
        ),
        NOTIFICATION_LIST,
        columns=LOG_COLUMNS,
        target=target,
        noun="notification",
        filters=tuple(LogFilterForm.base_fields),
    )
    for notification in listing.items:
        notification.can_redeliver = notification.status in REDELIVERABLE and may_manage(
            principal, notification.channel
        )
    return listing, form


@console_view
@require_GET
def log_page(request: HttpRequest) -> HttpResponse:
    listing, form = _log(request, member_only=False, target="log-table")
    if listing.partial:
        return render(request, "notifications/_log_table.html", {"list": listing})
    return render(request, "notifications/log.html", {"list": listing, "form": form})


@console_view
@require_GET
def mine_page(request: HttpRequest) -> HttpResponse:
    """What was sent to me: the log of my personal channels, with my channels and rules."""
    principal = request.principal
    listing, form = _log(request, member_only=True, target="my-log-table")
    if listing.partial:
        return render(request, "notifications/_log_table.html", {"list": listing})
    context = {
        "list": listing,
        "form": form,
        "channels": [choice for choice in form.fields["channel"].choices if choice[0]],
        "rules": [choice for choice in form.fields["rule"].choices if choice[0]],
        "member": principal.member,
    }
    return render(request, "notifications/mine.html", context)


@console_view
@require_POST
def redeliver(request: HttpRequest, notification_id: str) -> HttpResponse:
    principal = request.principal
    notification = notification_get(principal=principal, notification_id=notification_id)
    notification_redeliver(principal=principal, notification=notification)
    back = "notifications-mine" if request.POST.get("next") == "mine" else "notifications-log"
    return succeeded(request, back, "Sent again: the new attempt is at the top of the log.")
