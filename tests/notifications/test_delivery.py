"""Events to messages, with the real SMTP sink and a real HTTP receiver on 127.0.0.1.

Runs do not exist yet: `publish_run` publishes `run.failed` on a stand-in resource with the payload the runs
issue will publish (jobId, runId, status, message, teamIds), as docs/notifications.md documents it.
"""

import base64
import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from apps.core import clock
from apps.core.events import OutboxEvent, deliver
from apps.notifications import delivery
from apps.notifications.models import Channel, Notification
from tests.notifications.conftest import deliver_all, publish_run, verify_email

DOC = Path(__file__).resolve().parents[2] / "docs" / "notifications.md"
T0 = datetime(2026, 4, 6, 2, 0, tzinfo=UTC)


def snippet(marker: str) -> str:
    """The code block after `<!-- verify:<marker> -->` in docs/notifications.md, as the reader copies it."""
    match = re.search(rf"<!-- verify:{marker} -->\n```\w+\n(.*?)```", DOC.read_text(), re.S)
    assert match, f"no {marker} snippet in the doc"
    return match.group(1)


def python_verify(secret: str, header: str, body: bytes) -> bool:
    namespace: dict = {}
    exec(snippet("python"), namespace)
    return namespace["verify"](secret, header, body)


def node_verify(secret: str, header: str, body: bytes, tmp_path: Path) -> bool:
    script = tmp_path / "verify.js"
    script.write_text(
        snippet("node")
        + "\nconst [secret, header, body] = process.argv.slice(2);\n"
        + 'console.log(verify(secret, header, Buffer.from(body, "base64")) ? "valid" : "invalid");\n'
    )
    encoded = base64.b64encode(body).decode()
    result = subprocess.run(["node", str(script), secret, header, encoded], capture_output=True, text=True, check=True)
    return result.stdout.strip() == "valid"


@pytest.fixture
def webhook(make_channel, receiver):
    return make_channel("webhook", name="Ops hook", config_write={"url": f"{receiver.url}/hook"})


@pytest.fixture
def email_channel(make_channel, alice_member):
    return make_channel("email", name="Alice", member_id=alice_member.pk).channel


def test_a_failed_run_sends_one_email_and_one_signed_webhook(
    acme, webhook, email_channel, make_rule, receiver, mailbox, tmp_path
):
    make_rule([webhook.channel], name="Failed runs")
    make_rule([webhook.channel], name="Also failed runs, same hook")  # one delivery per channel, whatever the rules
    make_rule([email_channel], name="My failed runs", member_id=email_channel.member_id)

    event = publish_run(acme, "run.failed", message="Stage 3 failed: division by zero")
    deliver_all()
    deliver_all()  # a second pass finds nothing more to send

    assert len(mailbox.messages) == 1
    mail = mailbox.messages[0]
    assert mail["To"] == "alice@acme.test" and "Run failed" in mail["Subject"]
    assert "Stage 3 failed: division by zero" in mailbox.body(mail)
    assert mail.get_body(preferencelist=("html",)) is not None

    [request] = receiver.to("/hook")
    body = request.json()
    assert (body["type"], body["events"][0]["eventId"], body["events"][0]["data"]["message"]) == (
        "run.failed",
        event.event_id,
        "Stage 3 failed: division by zero",
    )
    assert request.headers["lakesail-event"] == "run.failed"
    assert request.headers["lakesail-delivery"] == body["deliveryId"]
    secret = webhook.shown_once["secret"]
    signature = request.headers["lakesail-signature"]
    assert python_verify(secret, signature, request.body)
    assert node_verify(secret, signature, request.body, tmp_path)
    # The snippets refuse what the console did not sign.
    assert not python_verify(secret, signature, request.body + b" ")
    assert not node_verify("whsec_another-secret-entirely", signature, request.body, tmp_path)

    statuses = sorted(Notification.objects.values_list("channel_id", "status"))
    assert statuses == sorted([(webhook.channel.pk, "delivered"), (email_channel.pk, "delivered")])


def test_a_receiver_answering_500_500_200_gets_three_attempts_and_the_delivery_ends_delivered(
    acme, webhook, make_rule, receiver
):
    make_rule([webhook.channel])
    receiver.answers = [500, 500]
    with clock.frozen(T0) as c:
        publish_run(acme)
        deliver_all()
        notification = Notification.objects.get()
        assert (notification.status, notification.attempts) == ("pending", 1)
        assert notification.next_attempt_at == T0 + timedelta(seconds=30)
        c.advance(seconds=29)
        deliver_all()
        assert len(receiver.requests) == 1  # not due yet
        c.advance(seconds=1)
        deliver_all()
        notification.refresh_from_db()
        assert notification.next_attempt_at == T0 + timedelta(seconds=30 + 120)  # backoff grows
        c.advance(seconds=120)
        deliver_all()

    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.delivered_at) == (
        "delivered",
        3,
        T0 + timedelta(seconds=150),
    )
    assert len(receiver.requests) == 3
    assert len({r.headers["lakesail-delivery"] for r in receiver.requests}) == 1  # one delivery id, three attempts
    assert Channel.objects.get(pk=webhook.channel.pk).status == "active"


def test_only_when_the_state_changes_sends_the_first_failure_and_the_recovery_not_the_repeats(
    acme, webhook, make_rule, receiver
):
    make_rule([webhook.channel], event_types=["run.failed", "run.succeeded"], only_on_state_change=True)
    make_rule([webhook.channel], name="Other job", scope_type="resource", scope_id="JOBOTHER01")
    sequence = ["run.succeeded", "run.failed", "run.failed", "run.failed", "run.succeeded", "run.succeeded"]
    with clock.frozen(T0) as c:
        for event_type in sequence:
            publish_run(acme, event_type, job_id="JOB0000001")
            deliver_all()
            c.advance(minutes=1)

    sent = [r.json()["type"] for r in receiver.requests]
    assert sent == ["run.failed", "run.succeeded"]
    skipped = Notification.objects.filter(status="skipped").values_list("status_message", flat=True)
    assert len(skipped) == 4 and all("Not a change of state" in m for m in skipped)


def test_the_state_of_one_job_is_not_the_state_of_another(acme, webhook, make_rule, receiver):
    make_rule([webhook.channel], only_on_state_change=True)
    with clock.frozen(T0) as c:
        for job in ("JOBA", "JOBB", "JOBA"):
            publish_run(acme, job_id=job)
            c.advance(seconds=1)
        deliver_all()
    assert sorted(r.json()["events"][0]["resourceId"] for r in receiver.requests) == ["JOBA", "JOBB"]


def test_only_after_the_last_retry_skips_failures_a_retry_follows(acme, webhook, make_rule, receiver):
    make_rule([webhook.channel], only_after_last_retry=True)
    publish_run(acme, willRetry=True, message="attempt 1 of 2")
    publish_run(acme, willRetry=False, message="attempt 2 of 2")
    deliver_all()
    assert [r.json()["text"] for r in receiver.requests] == ["attempt 2 of 2"]


def test_a_muted_rule_and_a_disabled_channel_log_skipped_notifications(
    acme, owner, webhook, make_channel, make_rule, receiver
):
    from apps.notifications.services.channels import channel_update

    with clock.frozen(T0):
        make_rule([webhook.channel], muted_until=T0 + timedelta(hours=1))
        quiet = make_channel("webhook", name="Quiet", config_write={"url": f"{receiver.url}/quiet"}).channel
        channel_update(principal=owner, channel=quiet, status="disabled")
        make_rule([quiet], name="To the quiet one")
        publish_run(acme)
        deliver_all()
    assert receiver.requests == []
    messages = dict(Notification.objects.values_list("channel_id", "status_message"))
    assert messages[webhook.channel.pk].startswith("The rule is muted until 2026-04-06 03:00")
    assert messages[quiet.pk] == "The channel is disabled."
    with clock.frozen(T0 + timedelta(hours=1, seconds=1)):
        publish_run(acme)
        deliver_all()
    assert len(receiver.to("/hook")) == 1  # the mute ran out


def test_immediate_beats_muted_for_the_same_channel(acme, webhook, make_rule, receiver):
    with clock.frozen(T0):
        make_rule([webhook.channel], name="Muted", muted_until=T0 + timedelta(days=1))
        make_rule([webhook.channel], name="Loud")
        publish_run(acme)
        deliver_all()
    notification = Notification.objects.select_related("rule").get()
    assert (notification.status, notification.rule.name) == ("delivered", "Loud")
    assert len(receiver.requests) == 1


def test_a_permanent_refusal_fails_at_once_and_five_failures_in_a_row_make_the_channel_failing(
    acme, alice_member, webhook, make_rule, receiver, mailbox
):
    make_rule([webhook.channel])
    receiver.answers = [410] * 5
    for _ in range(5):
        publish_run(acme)
    deliver_all()
    assert list(Notification.objects.order_by().values_list("status", "attempts").distinct()) == [("failed", 1)]
    channel = Channel.objects.get(pk=webhook.channel.pk)
    assert (channel.status, channel.consecutive_failures) == ("failing", 5)
    assert "HTTP 410" in channel.status_message
    [alert] = mailbox.messages  # one email to the Owners and Admins, on the change to failing
    assert alert["To"] == "alice@acme.test" and "Ops hook" in alert["Subject"]

    publish_run(acme)
    deliver_all()
    channel.refresh_from_db()
    assert (channel.status, channel.consecutive_failures, channel.status_message) == ("active", 0, "")
    assert len(mailbox.messages) == 1


def test_a_transient_failure_gives_up_after_five_attempts(acme, webhook, make_rule, receiver):
    make_rule([webhook.channel])
    receiver.answers = [503] * 5
    with clock.frozen(T0) as c:
        publish_run(acme)
        for _ in range(6):
            deliver_all()
            c.advance(hours=1)
    notification = Notification.objects.get()
    assert (notification.status, notification.attempts, len(receiver.requests)) == ("failed", 5, 5)
    assert "HTTP 503" in notification.status_message


def test_a_team_email_goes_to_each_enabled_member_with_a_verified_address(
    acme, owner, alice, bob, viewer, data_team, in_team, make_channel, make_rule, mailbox
):
    for person in (alice, bob, viewer):
        in_team(data_team, person)
    verify_email(alice)
    verify_email(bob)  # the viewer's address is not verified: not a recipient
    mail = make_channel("email", name="Data team", team_id=data_team.pk).channel
    make_rule([mail], team_id=data_team.pk, scope_type="team", scope_id=data_team.pk)
    publish_run(acme, teamIds=[data_team.pk])
    publish_run(acme, teamIds=[])  # another team's job (none here): the team does not hear of it
    deliver_all()
    [message] = mailbox.messages
    assert sorted(a.strip() for a in message["To"].split(",")) == ["alice@acme.test", "bob@acme.test"]


def test_a_late_event_does_not_change_the_state_a_newer_one_recorded(acme, webhook, make_rule, receiver):
    make_rule([webhook.channel], event_types=["run.failed", "run.succeeded"], only_on_state_change=True)
    with clock.frozen(T0) as c:
        late = publish_run(acme, "run.failed")  # published first, delivered last (a retried delivery)
        c.advance(minutes=1)
        publish_run(acme, "run.failed")
        c.advance(minutes=1)
        recovered = publish_run(acme, "run.succeeded")
        for row in OutboxEvent.objects.exclude(pk=late.event_id).order_by("occurred_at"):
            deliver(row.pk)
            delivery.send_due()
        deliver(late.event_id)
        delivery.send_due()
    assert [r.json()["type"] for r in receiver.requests] == ["run.failed", "run.succeeded"]
    assert Notification.objects.get(event_id=late.event_id).status == "skipped"
    assert Notification.objects.get(event_id=recovered.event_id).status == "delivered"
