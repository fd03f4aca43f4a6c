"""The documented wire formats of messages (docs/notifications.md): the webhook body, Slack Block Kit, and
PagerDuty Events API v2. Pure functions of a `Message`, so the documentation and the tests read one spelling."""

from typing import Any

from django.conf import settings

from apps.notifications.catalog import Outcome
from apps.notifications.messages import EventView, Message

SLACK_MAX_EVENT_BLOCKS = 40  # Slack allows 50 blocks a message
SLACK_TEXT_LIMIT = 3000
PAGERDUTY_SUMMARY_LIMIT = 1024
PAGERDUTY_SOURCE = "lakesail-console"


def _time(value: Any) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _event(view: EventView) -> dict[str, Any]:
    return {
        "eventId": view.event_id,
        "type": view.event_type,
        "resourceType": view.resource_type,
        "resourceId": view.subject_id,
        "occurredAt": _time(view.occurred_at),
        "title": view.title,
        "text": view.text,
        "data": view.payload,
    }


def webhook_type(message: Message) -> str:
    """`LakeSail-Event`: the event type, or `digest` / `test`."""
    return message.events[0].event_type if message.kind == "event" else message.kind


def webhook(message: Message) -> dict[str, Any]:
    return {
        "deliveryId": message.delivery_id,
        "type": webhook_type(message),
        "organizationId": message.organization_id,
        "channelId": message.channel_id,
        "ruleId": message.rule_id,
        "title": message.title,
        "text": message.text,
        "events": [_event(e) for e in message.events],
        "moreEvents": message.more_events,
        "createdAt": _time(message.created_at),
    }


def _plain(text: str, limit: int = 150) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:limit] or " ", "emoji": True}


def _mrkdwn(text: str) -> dict[str, Any]:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return {"type": "mrkdwn", "text": escaped[:SLACK_TEXT_LIMIT] or " "}


def slack(message: Message) -> dict[str, Any]:
    """An incoming-webhook message: `text` (the notification fallback) and Block Kit `blocks`."""
    blocks: list[dict[str, Any]] = [{"type": "header", "text": _plain(message.title)}]
    if message.kind == "digest":
        for view in message.events[:SLACK_MAX_EVENT_BLOCKS]:
            line = f"*{view.title}*\n{view.text}" if view.text else f"*{view.title}*"
            blocks.append({"type": "section", "text": _mrkdwn(line)})
        hidden = len(message.events) - SLACK_MAX_EVENT_BLOCKS + message.more_events
        if hidden > 0:
            blocks.append({"type": "context", "elements": [_mrkdwn(f"and {hidden} more")]})
    else:
        blocks.append({"type": "section", "text": _mrkdwn(message.text)})
    footer = (
        f"{message.events[0].event_type} · {_time(message.events[0].occurred_at)}"
        if message.kind == "event"
        else f"LakeSail Console · {message.kind}"
    )
    blocks.append({"type": "context", "elements": [_mrkdwn(footer)]})
    return {"text": f"{message.title}: {message.text}"[:SLACK_TEXT_LIMIT], "blocks": blocks}


def pagerduty_dedup_key(message: Message, view: EventView) -> str:
    """Failures and recoveries of one job or cluster share a key, so the recovery resolves the incident."""
    if view.outcome == Outcome.NEUTRAL or not view.subject_id:
        return f"lakesail:{message.organization_id}:event:{view.event_id or message.delivery_id}"
    return f"lakesail:{message.organization_id}:{view.resource_type}:{view.subject_id}"


def pagerduty(message: Message, routing_key: str) -> list[dict[str, Any]]:
    """Events API v2 events: a failure triggers (severity error), a recovery resolves, anything else triggers
    with severity info. A test triggers and resolves at once, so it leaves no incident open."""
    if message.kind == "test":
        key = f"lakesail:{message.organization_id}:test:{message.channel_id}"
        trigger = _trigger(routing_key, key, message.title, "info", message.created_at, {"text": message.text})
        return [trigger, {"routing_key": routing_key, "event_action": "resolve", "dedup_key": key}]
    events = []
    for view in message.events:
        key = pagerduty_dedup_key(message, view)
        if view.outcome == Outcome.RECOVERY:
            events.append({"routing_key": routing_key, "event_action": "resolve", "dedup_key": key})
            continue
        severity = "error" if view.outcome == Outcome.FAILURE else "info"
        details = {"eventType": view.event_type, "text": view.text, **view.payload}
        events.append(_trigger(routing_key, key, view.title, severity, view.occurred_at, details, view))
    return events


def _trigger(
    routing_key: str,
    dedup_key: str,
    summary: str,
    severity: str,
    at: Any,
    details: dict[str, Any],
    view: EventView | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "summary": summary[:PAGERDUTY_SUMMARY_LIMIT],
        "source": PAGERDUTY_SOURCE,
        "severity": severity,
        "timestamp": _time(at),
        "custom_details": details,
    }
    if view is not None:
        payload.update(component=f"{view.resource_type}:{view.subject_id}", **{"class": view.event_type})
    return {
        "routing_key": routing_key,
        "event_action": "trigger",
        "dedup_key": dedup_key,
        "payload": payload,
        "client": "LakeSail Console",
        "client_url": f"{settings.CONSOLE_BASE_URL}/notifications/log/",
    }
