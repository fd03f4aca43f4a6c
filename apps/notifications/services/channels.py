import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from apps.core import audit, clock
from apps.core.errors import InvalidInput, NotFound
from apps.core.principal import Principal
from apps.notifications import delivery, ruleset
from apps.notifications.access import require_manage, require_manage_object
from apps.notifications.models import (
    Channel,
    ChannelStatus,
    ChannelType,
    Notification,
    NotificationKind,
    NotificationStatus,
    RuleChannel,
)
from apps.notifications.services.common import check_owner, clean_name, raise_errors, record
from apps.notifications.transports import Configured, Owner, secrets_of, transport_for

# What a person may set; `failing` is the console's to set (and an `active` write clears it).
SETTABLE_STATUSES = (ChannelStatus.ACTIVE, ChannelStatus.DISABLED)


@dataclass(frozen=True)
class Saved:
    channel: Channel
    shown_once: dict[str, str]  # a generated signing secret: in this response, never again


def _owner(channel: Channel) -> Owner:
    return Owner(organization_id=channel.organization_id, team_id=channel.team_id, member_id=channel.member_id)


def _configure(channel_type: str, write: Any, *, current: Configured | None, owner: Owner) -> Configured:
    if not isinstance(write, dict):
        raise InvalidInput("configWrite must be an object.", field_errors={"configWrite": "Must be an object."})
    configured = transport_for(channel_type).configure(write, current=current, owner=owner)
    raise_errors(configured.errors, "The channel configuration is not valid.", code=configured.code)
    return configured


def _changes(channel: Channel) -> dict[str, Any]:
    return {"type": channel.type, "name": channel.name, "config": channel.config, "status": channel.status}


@transaction.atomic
def channel_create(
    *,
    principal: Principal,
    channel_type: Any,
    name: Any,
    team_id: str | None = None,
    member_id: str | None = None,
    config_write: Any = None,
) -> Saved:
    """A channel of a member (personal), a team, or the organization; webhooks get a signing secret if none given."""
    require_manage(principal, team_id=team_id, member_id=member_id)
    assert principal.org is not None
    errors: dict[str, str] = {}
    name = clean_name(name, errors)
    if channel_type not in ChannelType.values:
        errors["type"] = f"Must be one of: {', '.join(ChannelType.values)}."
    check_owner(principal.org.pk, team_id, member_id, errors)
    raise_errors(errors, "The channel is not valid.")
    owner = Owner(organization_id=principal.org.pk, team_id=team_id or None, member_id=member_id or None)
    configured = _configure(channel_type, config_write if config_write is not None else {}, current=None, owner=owner)
    channel = Channel.objects.create(
        organization=principal.org,
        team_id=owner.team_id,
        member_id=owner.member_id,
        type=channel_type,
        name=name,
        config=configured.config,
        secrets=json.dumps(configured.secrets),
    )
    record(
        "notification_channel.create", channel, "notification_channel", {**_changes(channel), "owner": owner.__dict__}
    )
    ruleset.changed(channel.organization_id)
    return Saved(channel, configured.shown_once)


@transaction.atomic
def channel_update(
    *,
    principal: Principal,
    channel: Channel,
    name: Any = None,
    config_write: Any = None,
    status: Any = None,
) -> Saved:
    """Rename, reconfigure (a new configuration needs a new test to be verified), enable or disable."""
    require_manage_object(principal, channel)
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    if channel.is_deleted:
        raise NotFound("Channel not found.", code="channel_not_found")
    errors: dict[str, str] = {}
    if name is not None:
        channel.name = clean_name(name, errors)
    if status is not None and status not in SETTABLE_STATUSES:
        errors["status"] = "Must be active or disabled."
    raise_errors(errors, "The channel is not valid.")
    shown_once: dict[str, str] = {}
    if config_write is not None:
        current = Configured(config=channel.config, secrets=secrets_of(channel))
        configured = _configure(channel.type, config_write, current=current, owner=_owner(channel))
        if configured.config != channel.config or configured.secrets != current.secrets:
            channel.verified_at = None
        channel.config, channel.secrets = configured.config, json.dumps(configured.secrets)
        shown_once = configured.shown_once
    if status is not None and status != channel.status:
        channel.status = status
        channel.consecutive_failures = 0
        channel.status_message = ""
    channel.save()
    record("notification_channel.update", channel, "notification_channel", _changes(channel))
    ruleset.changed(channel.organization_id)
    return Saved(channel, shown_once)


@transaction.atomic
def channel_delete(*, principal: Principal, channel: Channel) -> None:
    """Soft delete: nothing more is sent to it and rules stop naming it; the delivery log keeps it."""
    require_manage_object(principal, channel)
    channel_retire(channel=channel, reason="deleted")


def channel_retire(*, channel: Channel, reason: str) -> None:
    """Mark deleted and unlink from rules (callers check the permission, or act for the system)."""
    now = clock.now()
    Channel.objects.filter(pk=channel.pk, deleted_at__isnull=True).update(deleted_at=now, updated_at=now)
    RuleChannel.objects.filter(channel=channel).delete()
    Notification.objects.filter(channel=channel, status=NotificationStatus.PENDING, digest_due_at__isnull=True).update(
        status=NotificationStatus.SKIPPED, status_message="The channel was deleted.", updated_at=now
    )
    record("notification_channel.delete", channel, "notification_channel", {"name": channel.name, "reason": reason})
    ruleset.changed(channel.organization_id)


def channel_test(*, principal: Principal, channel: Channel) -> Notification:
    """Send a real test message now (a disabled channel too); on success the channel is verified.

    The send happens outside any transaction; its notification and outcome are logged like any other. A
    failure raises InvalidInput (`channel_test_failed`) after the outcome is recorded."""
    require_manage_object(principal, channel)
    with transaction.atomic():
        test = Notification.objects.create(
            organization_id=channel.organization_id,
            channel=channel,
            kind=NotificationKind.TEST,
            target_summary=transport_for(channel.type).summary(channel.config)[:300],
        )
    delivery.attempt(test.pk)
    test.refresh_from_db()
    ok = test.status == NotificationStatus.DELIVERED
    with transaction.atomic():
        if ok:
            Channel.objects.filter(pk=channel.pk).update(verified_at=clock.now())
        record(
            "notification_channel.test",
            channel,
            "notification_channel",
            {"notificationId": test.pk, "status": test.status, "message": test.status_message},
            outcome=audit.SUCCESS if ok else audit.FAILURE,
        )
    if not ok:
        raise InvalidInput(f"The test notification failed: {test.status_message}", code="channel_test_failed")
    channel.refresh_from_db()
    return test
