"""Domain events: publish inside a transaction, delivered to subscribers only after it commits."""

import fnmatch
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    event_type: str
    resource_type: str
    resource_id: str
    organization_id: str | None
    payload: dict[str, Any]
    occurred_at: Any = field(default_factory=timezone.now)


Handler = Callable[[Event], None]
_subscribers: list[tuple[str, Handler]] = []


def subscribe(pattern: str, handler: Handler) -> None:
    """Register a handler for event types matching a glob (`job.run.*`). Idempotent."""
    if (pattern, handler) not in _subscribers:
        _subscribers.append((pattern, handler))


def unsubscribe(pattern: str, handler: Handler) -> None:
    _subscribers.remove((pattern, handler))


def publish(event_type: str, resource: Any, payload: dict[str, Any] | None = None) -> Event:
    """Announce that something happened to `resource`. A rolled-back transaction announces nothing."""
    event = Event(
        event_type=event_type,
        resource_type=resource._meta.model_name,
        resource_id=str(resource.pk),
        organization_id=getattr(resource, "organization_id", None),
        payload=payload or {},
    )
    transaction.on_commit(lambda: _deliver(event))
    return event


def _deliver(event: Event) -> None:
    for pattern, handler in list(_subscribers):
        if fnmatch.fnmatchcase(event.event_type, pattern):
            try:
                handler(event)
            except Exception:  # one broken subscriber must not starve the others
                log.exception("event handler %r failed for %s", handler, event.event_type)
