from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import transaction

from apps.core import audit, clock
from apps.core.audit import AuditEvent
from apps.core.events import (
    MAX_ATTEMPTS,
    SWEEP_GRACE_SECONDS,
    DeliveryStatus,
    EventDelivery,
    OutboxEvent,
    deliver,
    deliver_pending,
    publish,
    subscribe,
    sweep,
    unsubscribe,
)
from apps.core.tasks import deliver_event
from apps.identity.models import User
from tests.org.test_console_pages import console_as
from tests.plugins.celery_worker import wait_for

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def received():
    events = []
    subscribe("org.*", events.append, name="tests.received")
    yield events
    unsubscribe("tests.received")


@pytest.fixture
def flaky():
    """A subscriber that fails until told otherwise, writing an audit record each time it runs."""

    class Flaky:
        failing = True
        calls = 0

        def __call__(self, event) -> None:
            self.calls += 1
            audit.record("probe.handled", organization_id=None, target_type="event", target_id=event.event_id)
            if self.failing:
                raise ValueError("downstream is down")

    handler = Flaky()
    subscribe("org.*", handler, name="tests.flaky")
    yield handler
    unsubscribe("tests.flaky")


def test_an_event_is_written_with_the_change_and_delivered_only_after_commit(
    db, acme, received, django_capture_on_commit_callbacks
):
    with clock.frozen(T0), django_capture_on_commit_callbacks() as enqueued, transaction.atomic():
        event = publish("org.renamed", acme, {"name": "Acme"})
        assert OutboxEvent.objects.filter(pk=event.event_id).exists()
    assert len(enqueued) == 1  # the delivery task, sent once the transaction committed
    assert received == []

    assert deliver_pending() == 1

    assert [(e.event_id, e.event_type, e.resource_type, e.resource_id, e.payload) for e in received] == [
        (event.event_id, "org.renamed", "organization", acme.pk, {"name": "Acme"})
    ]
    assert received[0].occurred_at == T0
    delivery = EventDelivery.objects.get(event_id=event.event_id)
    assert (delivery.subscriber, delivery.status, delivery.attempts) == ("tests.received", "delivered", 1)
    assert OutboxEvent.objects.get(pk=event.event_id).settled_at is not None


def test_a_rolled_back_transaction_publishes_nothing(db, acme, received):
    with pytest.raises(RuntimeError), transaction.atomic():
        publish("org.renamed", acme)
        raise RuntimeError("rollback")
    assert not OutboxEvent.objects.exists()
    deliver_pending()
    assert received == []


def test_only_matching_subscribers_receive_an_event(db, acme, received):
    publish("job.created", acme)
    deliver_pending()
    assert received == []
    assert not EventDelivery.objects.exists()


def test_each_subscriber_runs_once_however_often_delivery_runs(db, acme, received):
    event = publish("org.renamed", acme)
    deliver(event.event_id)
    deliver(event.event_id)  # a retried or duplicated task
    OutboxEvent.objects.filter(pk=event.event_id).update(settled_at=None)  # even one that finds it unsettled
    deliver(event.event_id)
    assert len(received) == 1


def test_a_failing_subscriber_is_retried_with_backoff_and_does_not_hold_up_the_others(db, acme, received, flaky):
    with clock.frozen(T0) as c:
        event = publish("org.renamed", acme)

        retry_at = deliver(event.event_id)

        assert len(received) == 1  # the healthy subscriber got it
        failed = EventDelivery.objects.get(event_id=event.event_id, subscriber="tests.flaky")
        assert (failed.status, failed.attempts, failed.last_error) == ("pending", 1, "ValueError: downstream is down")
        assert retry_at == failed.next_attempt_at == T0 + timedelta(seconds=10)
        assert not AuditEvent.objects.filter(action="probe.handled").exists()  # its work rolled back with it

        deliver_pending()  # not due yet
        assert flaky.calls == 1
        c.advance(seconds=10)
        assert deliver(event.event_id) == T0 + timedelta(seconds=10 + 20)  # the delay doubles
        c.advance(seconds=20)
        flaky.failing = False
        assert deliver(event.event_id) is None

    delivered = EventDelivery.objects.get(event_id=event.event_id, subscriber="tests.flaky")
    assert (delivered.status, delivered.attempts, delivered.delivered_at) == (
        "delivered",
        3,
        T0 + timedelta(seconds=30),
    )
    assert AuditEvent.objects.filter(action="probe.handled").count() == 1  # the successful run's work, once
    assert len(received) == 1
    assert OutboxEvent.objects.get(pk=event.event_id).settled_at == T0 + timedelta(seconds=30)


def test_a_subscriber_that_keeps_failing_is_given_up_and_the_event_settles(db, acme, flaky):
    with clock.frozen(T0) as c:
        event = publish("org.renamed", acme)
        while (retry_at := deliver(event.event_id)) is not None:
            c.current = retry_at
    delivery = EventDelivery.objects.get(event_id=event.event_id)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, MAX_ATTEMPTS)
    assert flaky.calls == MAX_ATTEMPTS
    assert OutboxEvent.objects.get(pk=event.event_id).settled_at is not None


def test_a_delivery_owed_to_a_subscriber_that_was_removed_is_given_up(db, acme, flaky):
    event = publish("org.renamed", acme)
    deliver(event.event_id)
    unsubscribe("tests.flaky")
    assert deliver(event.event_id) is None
    delivery = EventDelivery.objects.get(event_id=event.event_id)
    assert delivery.status == "failed" and delivery.last_error == "The subscriber is no longer registered."


def test_a_subscriber_name_belongs_to_one_handler(received):
    subscribe("org.*", received.append, name="tests.received")  # the same registration again: fine
    with pytest.raises(ValueError, match="already registered"):
        subscribe("org.*", print, name="tests.received")


@pytest.mark.integration
def test_a_worker_killed_between_commit_and_delivery_still_delivers_exactly_once(
    restartable_celery_worker, acme, tmp_path: Path
):
    worker = restartable_celery_worker(include=["tests.core.event_probe"], env={"EVENT_PROBE_DIR": str(tmp_path)})
    delivered = tmp_path / "delivered"
    (tmp_path / "hold").touch()

    with transaction.atomic():
        first = publish("probe.ping", acme, {"n": 1})
    assert wait_for(lambda: (tmp_path / "holding").exists(), timeout=60), worker.log_path.read_text()
    worker.kill()  # mid-delivery: its transaction dies with it, and so does the task message it held

    delivery = EventDelivery.objects.get(event_id=first.event_id)
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    assert not delivered.exists()

    worker.start()
    with clock.frozen() as c:
        c.advance(seconds=SWEEP_GRACE_SECONDS + 1)
        assert sweep() == [first.event_id]
    assert wait_for(lambda: EventDelivery.objects.get(pk=delivery.pk).status == "delivered", timeout=60), (
        worker.log_path.read_text()
    )

    # Duplicates of the task change nothing; a later event, delivered normally, shows they were processed.
    deliver_event.delay(first.event_id)
    deliver_event.delay(first.event_id)
    with transaction.atomic():
        second = publish("probe.ping", acme, {"n": 2})
    assert wait_for(lambda: delivered.exists() and second.event_id in delivered.read_text(), timeout=60)
    assert delivered.read_text().splitlines() == [first.event_id, second.event_id]
    assert EventDelivery.objects.get(pk=delivery.pk).attempts == 1
    assert sweep() == []


def test_events_and_their_deliveries_are_readable_but_not_editable_in_the_admin(db, acme, received):

    event = publish("org.renamed", acme)
    deliver_pending()
    delivery = EventDelivery.objects.get()
    client = console_as(User.objects.create_superuser(email="root@acme.test", password="x-long-password-1"))

    listing = client.get("/admin/core/outboxevent/", {"q": "org.renamed", "event_type": "org.renamed"})
    assert listing.status_code == 200 and event.event_id in listing.content.decode()
    deliveries = client.get("/admin/core/eventdelivery/", {"q": "tests.received", "status__exact": "delivered"})
    assert deliveries.status_code == 200 and delivery.pk in deliveries.content.decode()
    detail = client.get(f"/admin/core/outboxevent/{event.event_id}/change/").content.decode()
    assert "tests.received" in detail and 'name="_save"' not in detail  # its deliveries inline, nothing to save
    assert client.get("/admin/core/eventdelivery/add/").status_code == 403
    assert client.post(f"/admin/core/eventdelivery/{delivery.pk}/delete/", {"post": "yes"}).status_code == 403
