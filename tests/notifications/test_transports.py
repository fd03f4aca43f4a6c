"""Slack and PagerDuty payloads, checked by a receiver that answers as the real services do to a bad body."""

import json
from datetime import datetime

import pytest

from apps.core.errors import InvalidInput
from apps.notifications.models import Notification
from tests.notifications.conftest import Received, deliver_all, publish_run

ROUTING_KEY = "R0ut1ngK3yR0ut1ngK3yR0ut1ngK3y12"  # 32 characters, as PagerDuty's integration keys are


def slack_check(request: Received) -> tuple[int, bytes]:
    """Block Kit as an incoming webhook takes it (api.slack.com/reference/block-kit/blocks); Slack answers
    400 `invalid_blocks` otherwise."""
    body = request.json()
    problems = []
    if not isinstance(body.get("text"), str) or not body["text"]:
        problems.append("text: the notification fallback is required with blocks")
    blocks = body.get("blocks")
    if not isinstance(blocks, list) or not 1 <= len(blocks) <= 50:
        return 400, b"invalid_blocks"
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            text = block["text"]
            problems += [] if text["type"] == "plain_text" and 0 < len(text["text"]) <= 150 else ["header text"]
        elif kind == "section":
            text = block["text"]
            problems += (
                [] if text["type"] in ("mrkdwn", "plain_text") and 0 < len(text["text"]) <= 3000 else ["section"]
            )
        elif kind == "context":
            elements = block["elements"]
            ok = 1 <= len(elements) <= 10 and all(e["type"] in ("mrkdwn", "plain_text") for e in elements)
            problems += [] if ok else ["context"]
        else:
            problems.append(f"unknown block {kind}")
    return (400, b"invalid_blocks") if problems else (200, b"ok")


def pagerduty_check(request: Received) -> tuple[int, bytes]:
    """Events API v2 (developer.pagerduty.com/docs/events-api-v2/trigger-events): 202 and the dedup key, or 400."""
    event = request.json()
    errors = []
    if not isinstance(event.get("routing_key"), str) or len(event["routing_key"]) != 32:
        errors.append("routing_key")
    if event.get("event_action") not in ("trigger", "acknowledge", "resolve"):
        errors.append("event_action")
    if not isinstance(event.get("dedup_key"), str) or not 0 < len(event["dedup_key"]) <= 255:
        errors.append("dedup_key")
    if event.get("event_action") == "trigger":
        payload = event.get("payload") or {}
        if not isinstance(payload.get("summary"), str) or not 0 < len(payload["summary"]) <= 1024:
            errors.append("payload.summary")
        if not payload.get("source"):
            errors.append("payload.source")
        if payload.get("severity") not in ("critical", "error", "warning", "info"):
            errors.append("payload.severity")
        try:
            datetime.fromisoformat(payload.get("timestamp", ""))
        except ValueError:
            errors.append("payload.timestamp")
    if errors:
        return 400, json.dumps(
            {"status": "invalid event", "message": "Event object is invalid", "errors": errors}
        ).encode()
    return 202, json.dumps(
        {"status": "success", "message": "Event processed", "dedup_key": event["dedup_key"]}
    ).encode()


def test_slack_gets_block_kit_it_accepts(acme, make_channel, make_rule, receiver):
    receiver.check = slack_check
    slack = make_channel("slack", name="#alerts", config_write={"url": f"{receiver.url}/services/T0/B0/x"}).channel
    make_rule([slack], event_types=["run.failed"])
    publish_run(acme, message="Stage 3 failed: 1 < 2 & 3 > 2")
    deliver_all()

    [request] = receiver.requests
    body = request.json()
    assert [b["type"] for b in body["blocks"]] == ["header", "section", "context"]
    assert body["blocks"][1]["text"]["text"] == "Stage 3 failed: 1 &lt; 2 &amp; 3 &gt; 2"
    assert Notification.objects.get().status == "delivered"
    assert slack.config == {"memberId": None, "teamId": None, "host": "127.0.0.1", "urlConfigured": True}


def test_a_body_slack_refuses_fails_the_delivery_for_good(acme, make_channel, make_rule, receiver):
    receiver.check = lambda request: (400, b"invalid_blocks")
    slack = make_channel("slack", config_write={"url": f"{receiver.url}/services/x"}).channel
    make_rule([slack])
    publish_run(acme)
    deliver_all()
    notification = Notification.objects.get()
    assert (notification.status, notification.attempts) == ("failed", 1)
    assert notification.status_message == "Slack answered HTTP 400: invalid_blocks"


def test_pagerduty_triggers_on_failure_and_resolves_on_the_next_success_of_the_same_job(
    acme, settings, make_channel, make_rule, receiver
):
    settings.NOTIFICATIONS_PAGERDUTY_EVENTS_URL = f"{receiver.url}/v2/enqueue"
    receiver.check = pagerduty_check
    pagerduty = make_channel("pagerduty", name="On call", config_write={"routingKey": ROUTING_KEY}).channel
    make_rule([pagerduty], event_types=["run.failed", "run.succeeded"])
    for event_type, job in [
        ("run.failed", "JOB1"),
        ("run.failed", "JOB1"),
        ("run.failed", "JOB2"),
        ("run.succeeded", "JOB1"),
    ]:
        publish_run(acme, event_type, job_id=job)
        deliver_all()

    events = [r.json() for r in receiver.to("/v2/enqueue")]
    assert [(e["event_action"], e["dedup_key"]) for e in events] == [
        ("trigger", f"lakesail:{acme.pk}:job:JOB1"),
        ("trigger", f"lakesail:{acme.pk}:job:JOB1"),
        ("trigger", f"lakesail:{acme.pk}:job:JOB2"),
        ("resolve", f"lakesail:{acme.pk}:job:JOB1"),
    ]
    trigger = events[0]
    assert trigger["routing_key"] == ROUTING_KEY
    assert (trigger["payload"]["severity"], trigger["payload"]["class"], trigger["payload"]["component"]) == (
        "error",
        "run.failed",
        "job:JOB1",
    )
    assert trigger["payload"]["custom_details"]["jobId"] == "JOB1"
    assert set(Notification.objects.values_list("status", flat=True)) == {"delivered"}
    assert pagerduty.config == {"memberId": None, "teamId": None, "routingKeyConfigured": True}


def test_a_pagerduty_test_triggers_and_resolves_so_no_incident_stays_open(
    acme, owner, settings, make_channel, receiver
):
    from apps.notifications.services.channels import channel_test

    settings.NOTIFICATIONS_PAGERDUTY_EVENTS_URL = f"{receiver.url}/v2/enqueue"
    receiver.check = pagerduty_check
    pagerduty = make_channel("pagerduty", config_write={"routingKey": ROUTING_KEY}).channel
    channel_test(principal=owner, channel=pagerduty)
    actions = [
        (r.json()["event_action"], r.json()["payload"]["severity"] if "payload" in r.json() else None)
        for r in receiver.requests
    ]
    assert actions == [("trigger", "info"), ("resolve", None)]
    pagerduty.refresh_from_db()
    assert pagerduty.verified_at is not None


def test_pagerduty_takes_no_digests(make_channel, make_rule):
    pagerduty = make_channel("pagerduty", config_write={"routingKey": ROUTING_KEY}).channel
    with pytest.raises(InvalidInput) as refused:
        make_rule(
            [pagerduty], delivery_mode="digest", digest_time=datetime(2026, 1, 1, 8).time(), digest_timezone="UTC"
        )
    assert refused.value.field_errors == {"channelIds[0]": "A pagerduty channel takes no digests."}
