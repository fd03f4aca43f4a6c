"""Channels: the list (with add-by-type links and a test button), add, a channel's page (status and last
error, test, enable/disable, edit, delete)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.console import console_view, submit, succeeded
from apps.core.console_list import Column, console_list
from apps.core.errors import ApplicationError
from apps.notifications.access import may_manage
from apps.notifications.forms import ChannelForm, form_error, owner_choices, parse_owner
from apps.notifications.models import Channel, ChannelStatus, ChannelType
from apps.notifications.selectors.channels import CHANNEL_LIST, channel_get, channel_list
from apps.notifications.services import channels as services
from apps.notifications.transports import transport_for

CHANNEL_COLUMNS = (
    Column("Channel", "name"),
    Column("Type", "type"),
    Column("Owner"),
    Column("Status", "status"),
    Column("Verified"),
    Column("Actions", hidden_label=True),
)


def _url(channel: Channel) -> str:
    return reverse("notifications-channel", args=[channel.pk])


@console_view
@require_http_methods(["GET"])
def channels_page(request: HttpRequest) -> HttpResponse:
    principal = request.principal
    listing = console_list(
        request,
        channel_list(principal=principal),
        CHANNEL_LIST,
        columns=CHANNEL_COLUMNS,
        target="channel-table",
        noun="channel",
    )
    for channel in listing.items:
        channel.can_manage = may_manage(principal, channel)
    if listing.partial:
        return render(request, "notifications/_channel_table.html", {"list": listing})
    context = {"list": listing, "types": ChannelType.choices, "can_add": bool(owner_choices(principal))}
    return render(request, "notifications/channels.html", context)


@console_view
@require_http_methods(["GET", "POST"])
def channel_new(request: HttpRequest, channel_type: str) -> HttpResponse:
    if channel_type not in ChannelType.values:
        raise Http404
    principal = request.principal
    form = ChannelForm(request.POST or None, principal=principal, channel_type=channel_type)

    def create(data: dict) -> services.Saved:
        team_id, member_id = parse_owner(principal, data["owner"])
        return services.channel_create(
            principal=principal,
            channel_type=channel_type,
            name=data["name"],
            team_id=team_id,
            member_id=member_id,
            config_write=form.config_write(),
        )

    def done(saved: services.Saved) -> HttpResponse:
        if saved.shown_once:  # shown on this page only: a reload does not show it again
            return render(request, "notifications/channel_created.html", {"saved": saved})
        return succeeded(request, _url(saved.channel), f"Channel {saved.channel.name} added.")

    return submit(
        request,
        form,
        create,
        done=done,
        page=lambda f: render(request, "notifications/channel_form.html", {"form": f, "channel_type": channel_type}),
        errors=form_error,
    )


def _channel_page(request: HttpRequest, channel: Channel, form: ChannelForm | None = None) -> HttpResponse:
    principal = request.principal
    can_manage = may_manage(principal, channel)
    if form is None and can_manage:
        form = ChannelForm(principal=principal, channel_type=channel.type, editing=True, initial={"name": channel.name})
    context = {
        "channel": channel,
        "can_manage": can_manage,
        "form": form,
        "summary": transport_for(channel.type).summary(channel.config),
        "supports_digest": transport_for(channel.type).supports_digest,
    }
    return render(request, "notifications/channel_detail.html", context)


@console_view
def channel_detail(request: HttpRequest, channel_id: str) -> HttpResponse:
    return _channel_page(request, channel_get(principal=request.principal, channel_id=channel_id))


@console_view
@require_POST
def channel_edit(request: HttpRequest, channel_id: str) -> HttpResponse:
    principal = request.principal
    channel = channel_get(principal=principal, channel_id=channel_id)
    form = ChannelForm(request.POST, principal=principal, channel_type=channel.type, editing=True)
    return submit(
        request,
        form,
        lambda data: services.channel_update(
            principal=principal, channel=channel, name=data["name"], config_write=form.config_write() or None
        ),
        done=lambda saved: succeeded(request, _url(channel), "Channel updated."),
        page=lambda f: _channel_page(request, channel, f),
        errors=form_error,
    )


@console_view
@require_POST
def channel_status(request: HttpRequest, channel_id: str) -> HttpResponse:
    principal = request.principal
    channel = channel_get(principal=principal, channel_id=channel_id)
    wanted = ChannelStatus.DISABLED if request.POST.get("status") == "disabled" else ChannelStatus.ACTIVE
    services.channel_update(principal=principal, channel=channel, status=wanted)
    return succeeded(request, _url(channel), f"Channel {'disabled' if wanted == 'disabled' else 'enabled'}.")


@console_view
@require_POST
def channel_test(request: HttpRequest, channel_id: str) -> HttpResponse:
    principal = request.principal
    channel = channel_get(principal=principal, channel_id=channel_id)
    back = reverse("notifications") if request.POST.get("next") == "list" else _url(channel)
    try:
        services.channel_test(principal=principal, channel=channel)
    except ApplicationError as exc:
        if exc.code != "channel_test_failed":
            raise
        messages.error(request, exc.message)  # what the destination answered, on the page the test came from
        return succeeded(request, back)
    return succeeded(request, back, f"Test message sent to {channel.name}.")


@console_view
@require_POST
def channel_delete(request: HttpRequest, channel_id: str) -> HttpResponse:
    principal = request.principal
    channel = channel_get(principal=principal, channel_id=channel_id)
    services.channel_delete(principal=principal, channel=channel)
    return succeeded(request, "notifications", f"Channel {channel.name} deleted.")
