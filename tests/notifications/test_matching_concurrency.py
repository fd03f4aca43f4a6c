"""Two events of one job at once, on PostgreSQL: real threads, real connections, committed transactions.

The matcher reads and replaces the job's state in one statement that locks the state row first, so the second
of two concurrent events waits for the first and compares with what it recorded; and the event bus's
transaction for the matcher commits without waiting for the disk, that transaction only.
"""

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, transaction

from apps.core import clock
from apps.core.events import Event, EventDelivery, deliver_pending
from apps.core.ids import new_id
from apps.notifications import matching
from apps.notifications.models import Notification, NotificationStatus
from tests.notifications.conftest import publish_run

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and parallel connections: PostgreSQL"),
]


def job_event(org, event_type: str) -> Event:
    run_id = new_id()
    payload = {"jobId": "JOB0000001", "runId": run_id, "message": event_type, "teamIds": []}
    return Event(new_id(), event_type, "run", run_id, org.pk, payload, clock.now())


def handled(event: Event) -> None:
    with transaction.atomic():
        matching.handle(event)


def waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def first_holds_second_waits(first: Event, second: Event) -> None:
    """`first` handled and not yet committed while `second` is handled: the second blocks on the first, which
    then commits."""
    handled_first, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def run(body: Callable[[], None]) -> None:
        try:
            body()
        except BaseException as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    def hold() -> None:
        with transaction.atomic():
            matching.handle(first)
            handled_first.set()
            assert release.wait(timeout=30)

    holder = threading.Thread(target=run, args=(hold,))
    holder.start()
    assert handled_first.wait(timeout=30), errors
    waiter = threading.Thread(target=run, args=(lambda: handled(second),))
    waiter.start()
    deadline = time.monotonic() + 30
    while not waiting_on_a_lock() and time.monotonic() < deadline:
        time.sleep(0.01)
    blocked = waiting_on_a_lock() > 0
    release.set()
    holder.join()
    waiter.join()
    assert not errors, errors
    assert blocked  # the second event did wait for the first: the race was run


def status_of(event: Event) -> tuple[str, str]:
    notification = Notification.objects.get(event_id=event.event_id)
    return notification.status, notification.status_message


@pytest.fixture
def state_rule(acme, make_channel, make_rule, receiver):
    hook = make_channel("webhook", config_write={"url": f"{receiver.url}/hook"}).channel
    return make_rule([hook], event_types=["run.failed", "run.succeeded"], only_on_state_change=True)


def test_of_two_concurrent_failures_after_a_success_only_the_first_is_a_change(acme, state_rule):
    handled(job_event(acme, "run.succeeded"))
    first, second = job_event(acme, "run.failed"), job_event(acme, "run.failed")
    first_holds_second_waits(first, second)
    assert status_of(first) == (NotificationStatus.PENDING, "")
    assert status_of(second) == (NotificationStatus.SKIPPED, "Not a change of state (only when the state changes).")


def test_a_recovery_racing_the_first_failure_on_record_is_a_change(acme, state_rule):
    # No state on record: the failure inserts it, the recovery's insert finds it taken and reads it again.
    failure, recovery = job_event(acme, "run.failed"), job_event(acme, "run.succeeded")
    first_holds_second_waits(failure, recovery)
    assert status_of(failure) == (NotificationStatus.PENDING, "")
    assert status_of(recovery) == (NotificationStatus.PENDING, "")


def synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def test_only_the_matchers_transaction_commits_without_waiting_for_the_disk(acme, state_rule):
    with transaction.atomic():
        matching.handle(job_event(acme, "run.started"))  # no rule of its type: nothing written, still relaxed
        assert synchronous_commit() == "off"
    assert synchronous_commit() == "on"

    with transaction.atomic():
        event = publish_run(acme)
    deliver_pending()  # the event bus's own transaction around the matcher, with its delivery record
    assert EventDelivery.objects.get(event_id=event.event_id, subscriber="notifications.run.failed").status == (
        "delivered"
    )
    assert Notification.objects.filter(event_id=event.event_id).count() == 1
    assert synchronous_commit() == "on"  # the session's other transactions still wait for the disk
