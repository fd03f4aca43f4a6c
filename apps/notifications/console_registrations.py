"""What notifications add to the console's dashboard (called from NotificationsConfig.ready): the channels one
sees, the failing ones first, and the deliveries that failed in the last day."""

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q

from apps.core import clock, dashboard_slots
from apps.core.principal import Principal
from apps.notifications.models import ChannelStatus, NotificationStatus
from apps.notifications.selectors.channels import channel_list
from apps.notifications.selectors.notifications import notification_list


def notifications_slot(principal: Principal) -> dict[str, Any] | None:
    channels = channel_list(principal=principal)
    counts = channels.aggregate(total=Count("pk"), failing=Count("pk", filter=Q(status=ChannelStatus.FAILING)))
    if not counts["total"]:
        return None
    since = clock.now() - timedelta(days=1)
    failed = notification_list(principal=principal, status=NotificationStatus.FAILED, created_after=since).count()
    failing = list(channels.filter(status=ChannelStatus.FAILING)[:3]) if counts["failing"] else []
    return {**counts, "failing_channels": failing, "failed_today": failed}


def register() -> None:
    dashboard_slots.register(
        "notifications",
        title="Notifications",
        template="notifications/slots/notifications.html",
        context=notifications_slot,
        order=60,
    )
