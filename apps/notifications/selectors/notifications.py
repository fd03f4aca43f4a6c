from datetime import datetime

from django.db.models import QuerySet

from apps.core.console_list import ListOptions
from apps.core.errors import NotFound
from apps.core.principal import Principal
from apps.notifications.access import visible_owned
from apps.notifications.models import Channel, Notification

NOTIFICATION_LIST = ListOptions(
    sorts={"time": ("created_at",), "status": ("status", "created_at")},
    default_sort="time",
    default_direction="desc",
    searchable=False,
)


def notification_list(
    *,
    principal: Principal,
    channel_id: str | None = None,
    rule_id: str | None = None,
    status: str | None = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
    member_only: bool = False,
) -> QuerySet[Notification]:
    """The delivery log of the channels the principal may see (deleted channels included), newest first.

    `member_only`: the principal's own personal channels only ("my notifications")."""
    channels = visible_owned(Channel.objects.all(), principal)
    if member_only:
        channels = channels.filter(member=principal.member) if principal.member else channels.none()
    log = Notification.objects.filter(organization=principal.org, channel__in=channels.values("pk"))
    log = log.select_related("channel", "rule")
    filters = {
        "channel_id": channel_id,
        "rule_id": rule_id,
        "status": status,
        "created_at__gte": created_after,
        "created_at__lt": created_before,
    }
    return log.filter(**{k: v for k, v in filters.items() if v}).order_by("-created_at", "-id")


def notification_get(*, principal: Principal, notification_id: str) -> Notification:
    notification = notification_list(principal=principal).filter(pk=notification_id).first()
    if notification is None:
        raise NotFound("Notification not found.", code="notification_not_found")
    return notification
