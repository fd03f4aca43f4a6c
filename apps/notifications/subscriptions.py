"""What the notifications domain hears from the event bus (registered in NotificationsConfig.ready).

Each catalog event type under its own stable name (`notifications.run.failed`), handled by the rule matcher;
and the end of a team or a membership, which retires the channels and rules it owned.
"""

from apps.core.events import Event, subscribe
from apps.notifications import matching
from apps.notifications.catalog import EVENT_KEYS
from apps.notifications.services import owners


def _team_deleted(event: Event) -> None:
    owners.owner_gone(organization_id=event.organization_id or "", team_id=event.resource_id)


def _member_removed(event: Event) -> None:
    owners.owner_gone(organization_id=event.organization_id or "", member_id=event.resource_id)


def connect() -> None:
    for key in EVENT_KEYS:
        subscribe(key, matching.handle, name=f"notifications.{key}")
    subscribe("team.deleted", _team_deleted, name="notifications.team_deleted")
    subscribe("member.removed", _member_removed, name="notifications.member_removed")
