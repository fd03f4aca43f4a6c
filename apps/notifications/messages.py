"""What a notification says, whatever the transport: a title, a line of text, and the events it is about.

Built from the notification's own copy of its event(s), so a message can be sent (and sent again) without the
outbox row. Transports turn a `Message` into an email, a signed JSON body, Slack blocks or a PagerDuty event.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings

from apps.notifications.catalog import BY_KEY, Outcome, subject_of
from apps.notifications.models import Notification, NotificationKind

DIGEST_MAX_EVENTS = 200  # a digest lists this many events and counts the rest


@dataclass(frozen=True)
class EventView:
    event_id: str
    event_type: str
    label: str
    resource_type: str  # the watched resource kind (catalog): job, cluster, ...
    subject_id: str  # the watched resource: a run's job, a cluster
    outcome: Outcome
    title: str
    text: str
    payload: dict[str, Any]
    occurred_at: datetime


@dataclass(frozen=True)
class Message:
    delivery_id: str
    kind: str
    organization_id: str
    channel_id: str
    rule_id: str | None
    title: str
    text: str
    events: tuple[EventView, ...]
    more_events: int  # digest events beyond DIGEST_MAX_EVENTS
    created_at: datetime

    @property
    def url(self) -> str:
        return f"{settings.CONSOLE_BASE_URL}/notifications/log/"


def event_view(notification: Notification) -> EventView:
    event_type = BY_KEY.get(notification.event_type)
    payload = notification.payload or {}
    label = event_type.label if event_type else notification.event_type
    subject = subject_of(event_type, notification.resource_id, payload) if event_type else notification.resource_id
    named = payload.get("name") or subject or notification.resource_id
    text = str(payload.get("message") or (event_type.description.split(". Payload")[0] if event_type else ""))
    return EventView(
        event_id=notification.event_id,
        event_type=notification.event_type,
        label=label,
        resource_type=event_type.resource_type if event_type else notification.resource_type,
        subject_id=subject,
        outcome=event_type.outcome if event_type else Outcome.NEUTRAL,
        title=f"{label}: {named}",
        text=text,
        payload=payload,
        occurred_at=notification.occurred_at or notification.created_at,
    )


def build(notification: Notification) -> Message:
    """The message a notification sends (a redelivery says what the original said)."""
    source = notification.redelivery_of or notification
    events: tuple[EventView, ...] = ()
    more = 0
    if notification.kind == NotificationKind.EVENT:
        events = (event_view(source),)
        title, text = events[0].title, events[0].text
    elif notification.kind == NotificationKind.DIGEST:
        items = source.digest_items.order_by("occurred_at", "id")
        total = items.count()
        events = tuple(event_view(item) for item in items[:DIGEST_MAX_EVENTS])
        more = max(0, total - len(events))
        title = f"Digest: {total} event{'s' if total != 1 else ''}"
        text = "; ".join(e.title for e in events[:5]) + (" …" if total > 5 else "")
    else:
        title = "Test notification from LakeSail Console"
        text = "This channel is set up: notifications will arrive here."
    return Message(
        delivery_id=notification.pk,
        kind=notification.kind,
        organization_id=notification.organization_id,
        channel_id=notification.channel_id,
        rule_id=notification.rule_id,
        title=title,
        text=text,
        events=events,
        more_events=more,
        created_at=notification.created_at,
    )
