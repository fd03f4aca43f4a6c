"""A real Celery worker, killed (SIGKILL) after a failed run's event committed and before it was delivered."""

from pathlib import Path

import pytest
from django.db import transaction

from apps.core import clock
from apps.core.events import SWEEP_GRACE_SECONDS, EventDelivery, publish, sweep
from apps.core.tasks import deliver_event
from apps.notifications import delivery
from apps.notifications.models import Notification
from tests.notifications.conftest import publish_run
from tests.notifications.worker_probe import hold
from tests.plugins.celery_worker import wait_for


@pytest.mark.integration
def test_a_worker_killed_after_the_event_commits_still_delivers_exactly_once_after_restart(
    restartable_celery_worker, acme, make_channel, make_rule, alice_member, receiver, smtp_sink, mailbox, tmp_path: Path
):
    hook = make_channel("webhook", config_write={"url": f"{receiver.url}/hook"}).channel
    email = make_channel("email", config_write={"memberId": alice_member.pk}).channel
    make_rule([hook, email])
    _sink, smtp_port = smtp_sink
    worker = restartable_celery_worker(
        include=["tests.core.event_probe", "tests.notifications.worker_probe"],
        env={
            "EVENT_PROBE_DIR": str(tmp_path),
            "OUTBOUND_HTTP_ALLOWED_NETWORKS": "127.0.0.1/32",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        },
    )
    (tmp_path / "hold").touch()
    hold.delay(str(tmp_path))  # the worker is busy (and holds no transaction) when the event commits
    assert wait_for(lambda: (tmp_path / "holding").exists(), timeout=60), worker.log_path.read_text()

    with transaction.atomic():
        failed = publish_run(acme, message="the 2 a.m. failure")
    worker.kill()  # the event is committed; the worker never got to it
    assert not Notification.objects.exists()
    assert receiver.requests == [] and mailbox.messages == []

    with clock.frozen() as c:
        c.advance(seconds=SWEEP_GRACE_SECONDS + 1)
        sweep()  # whatever the dead worker left unsettled is enqueued again: it must not be sent twice
        delivery.sweep()
    # Started after the sweeps: rows the sweeps stamp with the moved clock never race the worker's own writes.
    worker.start()
    assert wait_for(lambda: len(receiver.requests) == 1 and len(mailbox.messages) == 1, timeout=60), (
        worker.log_path.read_text()
    )

    # Duplicated tasks change nothing; a later probe event shows the queue was drained.
    deliver_event.delay(failed.event_id)
    deliver_event.delay(failed.event_id)
    for notification_id in Notification.objects.values_list("pk", flat=True):
        delivery.enqueue(notification_id)
    with transaction.atomic():
        second = publish("probe.ping", acme, {"n": 2})  # the probe subscriber records every event it handles
    delivered = tmp_path / "delivered"
    assert wait_for(lambda: delivered.exists() and second.event_id in delivered.read_text(), timeout=60)
    assert wait_for(lambda: not Notification.objects.exclude(status="delivered").exists(), timeout=30)

    assert len(receiver.requests) == 1 and len(mailbox.messages) == 1
    assert receiver.requests[0].json()["text"] == "the 2 a.m. failure"
    matched = EventDelivery.objects.get(event_id=failed.event_id, subscriber="notifications.run.failed")
    assert (matched.status, matched.attempts) == ("delivered", 1)
    assert sorted(Notification.objects.values_list("status", "attempts")) == [("delivered", 1), ("delivered", 1)]
