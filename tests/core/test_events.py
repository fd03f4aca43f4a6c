import pytest
from django.db import transaction

from apps.core.events import publish, subscribe, unsubscribe


@pytest.fixture
def received():
    events = []
    subscribe("org.*", events.append)
    yield events
    unsubscribe("org.*", events.append)


def test_events_are_delivered_after_commit(transactional_db, acme, received):
    with transaction.atomic():
        publish("org.renamed", acme, {"name": "Acme"})
        assert received == []
    assert [(e.event_type, e.resource_id, e.organization_id) for e in received] == [("org.renamed", acme.pk, None)]
    assert received[0].payload == {"name": "Acme"}


def test_a_rolled_back_transaction_publishes_nothing(transactional_db, acme, received):
    with pytest.raises(RuntimeError), transaction.atomic():
        publish("org.renamed", acme)
        raise RuntimeError("rollback")
    assert received == []


def test_only_matching_subscribers_receive_an_event(transactional_db, acme, received):
    with transaction.atomic():
        publish("job.created", acme)
    assert received == []


def test_a_failing_subscriber_does_not_starve_the_others(transactional_db, acme, received):
    def broken(event):
        raise ValueError("broken subscriber")

    unsubscribe("org.*", received.append)
    subscribe("org.*", broken)
    subscribe("org.*", received.append)
    try:
        with transaction.atomic():
            publish("org.renamed", acme)
    finally:
        unsubscribe("org.*", broken)
    assert len(received) == 1
