"""Domain events through an outbox: published in the caller's transaction, delivered by Celery after commit.

`publish()` writes an `OutboxEvent` row with the change it announces (a rolled-back transaction announces
nothing) and, once the transaction commits, enqueues `apps.core.tasks.deliver_event` with the event's id.
`deliver()` runs each matching subscriber in its own transaction together with its `EventDelivery` row
(unique per event and subscriber), so a subscriber's database work and the record that it ran commit or
roll back together: a task retried or run twice runs each subscriber once. A failing subscriber is retried
with backoff without holding up the others; a worker that dies mid-delivery leaves the event unsettled, and
the beat sweep (`sweep()`) enqueues it again. Subscribers register under a stable name, usually in an
AppConfig.ready: `subscribe("member.removed", handler, name="identity.revoke_org_access")`.

Work outside the database (an email, a webhook) can still happen twice if the worker dies after it and
before the commit: such subscribers must be idempotent on `event.event_id`.
"""

import fnmatch
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from apps.core import clock
from apps.core.db.fields import JSONField
from apps.core.ids import new_id

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
RETRY_BASE_SECONDS = 10  # 10 s, 20 s, 40 s ... up to RETRY_MAX_SECONDS between attempts
RETRY_MAX_SECONDS = 3600
# An event still unsettled this long after it was due lost its task (a dead worker): the sweep enqueues it again.
SWEEP_GRACE_SECONDS = 60
SWEEP_BATCH = 500


@dataclass(frozen=True)
class Event:
    """What a subscriber receives."""

    event_id: str
    event_type: str
    resource_type: str
    resource_id: str
    organization_id: str | None
    payload: dict[str, Any]
    occurred_at: datetime


Handler = Callable[[Event], None]


@dataclass(frozen=True)
class Subscription:
    name: str
    pattern: str
    handler: Handler


class OutboxEvent(models.Model):
    id = models.CharField(primary_key=True, max_length=20, default=new_id, editable=False)
    event_type = models.CharField(max_length=100, db_index=True)
    resource_type = models.CharField(max_length=64)
    resource_id = models.CharField(max_length=64)
    organization_id = models.CharField(max_length=20, null=True, blank=True, db_index=True)
    payload = JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    occurred_at = models.DateTimeField(db_index=True)
    due_at = models.DateTimeField()  # when delivery is (next) due
    settled_at = models.DateTimeField(null=True, blank=True)  # every subscriber delivered or given up

    class Meta:
        app_label = "core"
        verbose_name = "event"
        indexes = [
            models.Index(
                fields=["due_at"], condition=models.Q(settled_at__isnull=True), name="core_outbox_unsettled_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.resource_type}:{self.resource_id}"

    def as_event(self) -> Event:
        return Event(
            event_id=self.pk,
            event_type=self.event_type,
            resource_type=self.resource_type,
            resource_id=self.resource_id,
            organization_id=self.organization_id,
            payload=self.payload,
            occurred_at=self.occurred_at,
        )


class DeliveryStatus(models.TextChoices):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"  # gave up: MAX_ATTEMPTS failures, or the subscriber is no longer registered


class EventDelivery(models.Model):
    id = models.CharField(primary_key=True, max_length=20, default=new_id, editable=False)
    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        app_label = "core"
        verbose_name_plural = "event deliveries"
        constraints = [
            models.UniqueConstraint(fields=["event", "subscriber"], name="event_delivery_once_per_subscriber"),
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values), name="event_delivery_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} ← {self.event_id} ({self.status})"


_subscriptions: dict[str, Subscription] = {}


def subscribe(pattern: str, handler: Handler, *, name: str) -> None:
    """Deliver events whose type matches the glob `pattern` (`job.run.*`) to `handler`, recorded under `name`.

    The name keys the delivery records, so it must stay the same across releases; registering the same
    handler again is a no-op, another handler under a taken name an error.
    """
    existing = _subscriptions.get(name)
    if existing is not None and (existing.pattern, existing.handler) != (pattern, handler):
        raise ValueError(f"an event subscriber named {name!r} is already registered")
    _subscriptions[name] = Subscription(name=name, pattern=pattern, handler=handler)


def unsubscribe(name: str) -> None:
    _subscriptions.pop(name, None)


def publish(event_type: str, resource: Any, payload: dict[str, Any] | None = None) -> Event:
    """Announce that something happened to `resource`, in the current transaction."""
    now = clock.now()
    row = OutboxEvent.objects.create(
        event_type=event_type,
        resource_type=resource._meta.model_name,
        resource_id=str(resource.pk),
        organization_id=getattr(resource, "organization_id", None),
        payload=payload or {},
        occurred_at=now,
        due_at=now,
    )
    # robust: the event is committed whatever happens to the enqueue (a broker outage); the sweep catches up.
    transaction.on_commit(lambda: enqueue(row.pk), robust=True)
    return row.as_event()


def enqueue(event_id: str, *, at: datetime | None = None) -> None:
    """Send the event to a worker (at `at`, for a retry)."""
    from apps.core.tasks import deliver_event  # the tasks module imports this one

    countdown = max(0.0, (at - clock.now()).total_seconds()) if at else None
    deliver_event.apply_async((event_id,), countdown=countdown)


def deliver(event_id: str) -> datetime | None:
    """Run every subscriber the event still owes a delivery; returns when a failed one is due again, if any.

    The Celery task, the sweep's re-enqueued tasks and the test helper `deliver_pending` all come here.
    """
    row = OutboxEvent.objects.filter(pk=event_id, settled_at__isnull=True).first()
    if row is None:
        return None  # settled (a duplicate task) or never committed
    event = row.as_event()
    matching = [s for s in _subscriptions.values() if fnmatch.fnmatchcase(event.event_type, s.pattern)]
    EventDelivery.objects.bulk_create(
        [EventDelivery(event=row, subscriber=s.name) for s in matching], ignore_conflicts=True
    )
    for subscription in matching:
        _deliver_once(event, subscription)
    return _settle(row, {s.name for s in matching})


class _HandlerFailed(Exception):
    """A subscriber raised: its transaction is rolled back, and the attempt is recorded in a new one."""


def _deliver_once(event: Event, subscription: Subscription) -> None:
    # The handler runs in the delivery's own transaction, not in a savepoint inside it: a savepoint costs two more
    # round trips on every event, and a failure (rare) can afford a second transaction to record the attempt.
    try:
        with transaction.atomic():
            # The row lock makes a concurrent run of the same delivery wait, then find it delivered.
            delivery = _due_delivery(event, subscription)
            if delivery is None:
                return
            try:
                subscription.handler(event)
            except Exception as exc:
                raise _HandlerFailed from exc
            delivery.attempts += 1
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = delivery.updated_at = clock.now()
            delivery.next_attempt_at = None
            delivery.save()
    except _HandlerFailed as failed:
        _record_failure(event, subscription, failed.__cause__)


def _due_delivery(event: Event, subscription: Subscription) -> EventDelivery | None:
    delivery = EventDelivery.objects.select_for_update().get(event_id=event.event_id, subscriber=subscription.name)
    if delivery.status != DeliveryStatus.PENDING or (
        delivery.next_attempt_at and delivery.next_attempt_at > clock.now()
    ):
        return None
    return delivery


def _record_failure(event: Event, subscription: Subscription, exc: BaseException | None) -> None:
    """Count the failed attempt and schedule the next (a concurrent run that settled it meanwhile wins)."""
    with transaction.atomic():
        delivery = _due_delivery(event, subscription)
        if delivery is None:
            return
        now = clock.now()
        delivery.attempts += 1
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
            log.error(
                "event subscriber %s gave up on %s after %d attempts",
                subscription.name,
                event.event_id,
                delivery.attempts,
                exc_info=exc,
            )
        else:
            delivery.next_attempt_at = now + retry_delay(delivery.attempts)
            log.warning(
                "event subscriber %s failed on %s (attempt %d): %s",
                subscription.name,
                event.event_id,
                delivery.attempts,
                delivery.last_error,
            )
        delivery.updated_at = now
        delivery.save()


def retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(RETRY_BASE_SECONDS * 2 ** (attempts - 1), RETRY_MAX_SECONDS))


def _settle(row: OutboxEvent, registered: set[str]) -> datetime | None:
    now = clock.now()
    pending = EventDelivery.objects.filter(event=row, status=DeliveryStatus.PENDING)
    # A subscriber removed since the event was published will never run: give its delivery up.
    pending.exclude(subscriber__in=registered).update(
        status=DeliveryStatus.FAILED, last_error="The subscriber is no longer registered.", updated_at=now
    )
    next_due = pending.aggregate(next_due=models.Min("next_attempt_at"))["next_due"]
    if next_due is None and not pending.exists():
        OutboxEvent.objects.filter(pk=row.pk).update(settled_at=now)
        return None
    next_due = next_due or now
    OutboxEvent.objects.filter(pk=row.pk).update(due_at=next_due)
    return next_due


def sweep(*, grace_seconds: float = SWEEP_GRACE_SECONDS) -> list[str]:
    """Enqueue again the events a worker left unsettled past their due time (plus a grace); returns their ids."""
    now = clock.now()
    overdue = OutboxEvent.objects.filter(settled_at__isnull=True, due_at__lte=now - timedelta(seconds=grace_seconds))
    ids = list(overdue.order_by("due_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    # Due again from now: the next sweep waits another grace before enqueueing them once more.
    OutboxEvent.objects.filter(pk__in=ids).update(due_at=now)
    for event_id in ids:
        enqueue(event_id)
    return ids


def deliver_pending() -> int:
    """Deliver every unsettled event now, in this process, through `deliver()`; returns how many were settled.

    A test helper (and a shell tool after an outage): tests on the `db` fixture never commit, so the
    after-commit enqueue never fires; this runs the same delivery code synchronously instead. Retries that
    are not due yet keep waiting (move the frozen clock to reach them).
    """
    settled = 0
    for event_id in (
        OutboxEvent.objects.filter(settled_at__isnull=True).order_by("occurred_at", "pk").values_list("pk", flat=True)
    ):
        if deliver(event_id) is None:
            settled += 1
    return settled
