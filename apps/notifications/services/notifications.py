from django.db import transaction

from apps.core.errors import Conflict
from apps.core.principal import Principal
from apps.notifications import delivery
from apps.notifications.access import require_manage_object
from apps.notifications.models import ChannelStatus, Notification, NotificationStatus
from apps.notifications.services.common import record

REDELIVERABLE = (NotificationStatus.DELIVERED, NotificationStatus.FAILED, NotificationStatus.SKIPPED)


@transaction.atomic
def notification_redeliver(*, principal: Principal, notification: Notification) -> Notification:
    """Send a finished notification again, as a new log entry pointing at the one it repeats (whose history stays).

    A skipped one (muted, held for a digest) goes out now. The channel must still exist and not be disabled."""
    channel = notification.channel
    require_manage_object(principal, channel)
    if notification.status not in REDELIVERABLE:
        raise Conflict(f"This notification is still {notification.status}.", code="notification_not_finished")
    if channel.is_deleted or channel.status == ChannelStatus.DISABLED:
        state = "deleted" if channel.is_deleted else "disabled"
        raise Conflict(f"The channel is {state}.", code=f"channel_{state}")
    original = notification.redelivery_of or notification
    copy = Notification.objects.create(
        organization_id=original.organization_id,
        channel=channel,
        rule_id=original.rule_id,
        kind=original.kind,
        event_id=original.event_id,
        event_type=original.event_type,
        resource_type=original.resource_type,
        resource_id=original.resource_id,
        payload=original.payload,
        occurred_at=original.occurred_at,
        redelivery_of=original,
        target_summary=original.target_summary,
    )
    record("notification.redeliver", copy, "notification", {"redeliveryOf": original.pk, "channelId": channel.pk})
    delivery.enqueue_after_commit(copy.pk)
    return copy
