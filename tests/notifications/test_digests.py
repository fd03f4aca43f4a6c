"""Digests at the digest time in the rule's timezone, with the one clock frozen and moved across a DST change."""

from datetime import UTC, datetime, time

import pytest

from apps.core import clock
from apps.notifications import delivery, digests
from apps.notifications.digests import next_digest_at
from apps.notifications.models import Notification
from tests.notifications.conftest import deliver_all, publish_run

PARIS = "Europe/Paris"  # CET (UTC+1) until 2026-03-29 01:00 UTC, CEST (UTC+2) after


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def beat() -> None:
    """What the beat task `send-notification-digests` and the workers do, in this process."""
    digests.collect_due()
    delivery.send_due()


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (utc(2026, 3, 28, 6, 59), utc(2026, 3, 28, 7, 0)),  # 08:00 CET
        (utc(2026, 3, 28, 7, 0), utc(2026, 3, 29, 6, 0)),  # the next is 08:00 CEST, an hour earlier in UTC
        (utc(2026, 3, 29, 1, 30), utc(2026, 3, 29, 6, 0)),
        (utc(2026, 10, 24, 6, 0), utc(2026, 10, 25, 7, 0)),  # back to CET in the autumn
    ],
)
def test_the_digest_time_is_local_time_across_dst(after, expected):
    assert next_digest_at(after, at=time(8, 0), timezone=PARIS) == expected


def test_a_skipped_local_time_falls_after_the_gap_and_a_repeated_one_on_its_first_occurrence():
    # 02:30 does not exist in Paris on 2026-03-29; it exists twice on 2026-10-25.
    assert next_digest_at(utc(2026, 3, 29, 0, 0), at=time(2, 30), timezone=PARIS) == utc(2026, 3, 29, 1, 30)
    assert next_digest_at(utc(2026, 10, 25, 0, 0), at=time(2, 30), timezone=PARIS) == utc(2026, 10, 25, 0, 30)


def test_a_weekly_digest_waits_for_its_day():
    # 2026-03-28 is a Saturday; 0 is Monday.
    assert next_digest_at(utc(2026, 3, 28, 12), at=time(8), timezone=PARIS, day_of_week=0) == utc(2026, 3, 30, 6)


def test_a_daily_digest_sends_one_message_with_all_events_of_the_day_at_08_00_local_across_dst(
    acme, make_channel, make_rule, alice_member, receiver, mailbox
):
    email = make_channel("email", name="Alice daily", config_write={"memberId": alice_member.pk}).channel
    hook = make_channel("webhook", name="Daily hook", config_write={"url": f"{receiver.url}/hook"}).channel
    make_rule(
        [email, hook],
        name="Daily failures",
        delivery_mode="digest",
        digest_time=time(8, 0),
        digest_timezone=PARIS,
    )
    day_before = utc(2026, 3, 28, 6, 59)  # 07:59 CET: the 28th's digest
    of_the_day = [utc(2026, 3, 28, 7, 30), utc(2026, 3, 28, 20, 0), utc(2026, 3, 29, 1, 30), utc(2026, 3, 29, 5, 59)]
    with clock.frozen(day_before) as c:
        publish_run(acme, message="before the 28th's digest")
        deliver_all()
        c.current = utc(2026, 3, 28, 7, 0)
        beat()
        assert len(mailbox.messages) == 1 and len(receiver.requests) == 1
        mailbox.clear()
        receiver.requests.clear()

        for n, at in enumerate(of_the_day, 1):
            c.current = at
            publish_run(acme, job_id=f"JOB{n}", message=f"failure {n}")
            deliver_all()
        assert mailbox.messages == [] and receiver.requests == []  # held, not sent
        c.current = utc(2026, 3, 29, 5, 59, 59)
        beat()
        assert mailbox.messages == []

        c.current = utc(2026, 3, 29, 6, 0)  # 08:00 CEST
        beat()
        c.current = utc(2026, 3, 29, 7, 0)  # 08:00 CET, had the offset not changed: nothing more
        publish_run(acme, job_id="JOB5", message="tomorrow's")
        deliver_all()
        beat()

    [mail] = mailbox.messages
    body = mailbox.body(mail)
    assert "Digest: 4 events" in mail["Subject"]
    assert all(f"failure {n}" in body for n in range(1, 5)) and "tomorrow's" not in body
    [request] = receiver.requests
    digest = request.json()
    assert digest["type"] == "digest"
    assert [e["text"] for e in digest["events"]] == [f"failure {n}" for n in range(1, 5)]
    held = Notification.objects.filter(
        kind="event", channel=hook, digest__isnull=False, digest__created_at=utc(2026, 3, 29, 6)
    )
    assert held.count() == 4
    assert Notification.objects.get(kind="event", channel=hook, payload__message="tomorrow's").digest_due_at == utc(
        2026, 3, 30, 6, 0
    )


def test_two_beats_at_once_make_one_digest(acme, make_channel, make_rule, receiver):
    hook = make_channel("webhook", config_write={"url": f"{receiver.url}/hook"}).channel
    make_rule([hook], delivery_mode="digest", digest_time=time(8, 0), digest_timezone="UTC")
    with clock.frozen(utc(2026, 5, 1, 7)) as c:
        publish_run(acme)
        deliver_all()
        c.current = utc(2026, 5, 1, 8)
        assert len(digests.collect_due()) == 1
        assert digests.collect_due() == []
        delivery.send_due()
    assert len(receiver.requests) == 1
