from django.db.models import QuerySet

from apps.core.console_list import ListOptions
from apps.core.errors import NotFound
from apps.core.principal import Principal
from apps.notifications.access import visible_owned
from apps.notifications.models import Channel

CHANNEL_LIST = ListOptions(
    sorts={"name": ("name",), "type": ("type", "name"), "status": ("status", "name")},
    default_sort="name",
    search_fields=("name",),
)


def channel_list(
    *, principal: Principal, team_id: str | None = None, member_id: str | None = None
) -> QuerySet[Channel]:
    """Channels the principal may see (deleted ones are gone from lists, never from the delivery log)."""
    channels = visible_owned(Channel.objects.filter(deleted_at__isnull=True), principal)
    if team_id:
        channels = channels.filter(team_id=team_id)
    if member_id:
        channels = channels.filter(member_id=member_id)
    return channels.order_by("name", "id")


def channel_get(*, principal: Principal, channel_id: str) -> Channel:
    channel = channel_list(principal=principal).filter(pk=channel_id).first()
    if channel is None:
        raise NotFound("Channel not found.", code="channel_not_found")
    return channel
