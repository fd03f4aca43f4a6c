"""The delivery log (`GET /notifications`), redelivery, and who hears of which event."""

from datetime import UTC, datetime, timedelta

import pytest

from apps.core import clock
from apps.core.audit import AuditEvent
from apps.notifications.models import Notification
from tests.notifications.conftest import deliver_all, publish_run, verify_email

T0 = datetime(2026, 6, 1, 12, tzinfo=UTC)


@pytest.fixture
def hook(make_channel, receiver):
    return make_channel("webhook", name="Ops", config_write={"url": f"{receiver.url}/hook"}).channel


def test_the_log_lists_filters_and_pages(api, acme, hook, make_rule, receiver):
    rule = make_rule([hook])
    receiver.answers = [400]
    with clock.frozen(T0) as c:
        for _ in range(3):
            publish_run(acme)
            deliver_all()
            c.advance(minutes=1)
    items = api.get("/notifications", max_queries=10).json()["items"]
    assert [i["status"] for i in items] == ["delivered", "delivered", "failed"]  # newest first
    first = items[0]
    assert (first["ruleId"], first["channelId"], first["kind"], first["eventType"], first["attempts"]) == (
        rule.pk,
        hook.pk,
        "event",
        "run.failed",
        1,
    )
    assert first["targetSummary"] == f"{receiver.url}/hook" and first["deliveredAt"] == "2026-06-01T12:02:00Z"
    assert [i["status"] for i in api.get("/notifications?status=failed").json()["items"]] == ["failed"]
    assert len(api.get(f"/notifications?ruleId={rule.pk}&channelId={hook.pk}").json()["items"]) == 3
    window = api.get("/notifications?createdAfter=2026-06-01T12:01:00Z&createdBefore=2026-06-01T12:02:00Z")
    assert len(window.json()["items"]) == 1
    page = api.get("/notifications?limit=2").json()
    assert len(page["items"]) == 2 and len(api.get(f"/notifications?marker={page['marker']}").json()["items"]) == 1
    for query in ("status=lost", "channelId=x-y", "createdAfter=yesterday"):
        assert api.get(f"/notifications?{query}").status_code == 400


def test_a_failed_notification_is_redelivered_as_a_new_entry(api, acme, hook, make_rule, receiver):
    make_rule([hook])
    receiver.answers = [400]
    publish_run(acme)
    deliver_all()
    failed = Notification.objects.get()
    response = api.post(f"/notifications/{failed.pk}/redeliver")
    assert response.status_code == 201, response.json()
    copy = response.json()
    assert (copy["redeliveryOf"], copy["status"], copy["eventId"]) == (failed.pk, "pending", failed.event_id)
    deliver_all()
    assert api.get("/notifications?status=delivered").json()["items"][0]["id"] == copy["id"]
    assert len(receiver.requests) == 2
    assert receiver.requests[1].json()["deliveryId"] == copy["id"]
    assert AuditEvent.objects.get(action="notification.redeliver").changes["redeliveryOf"] == failed.pk
    pending = api.post(f"/notifications/{copy['id']}/redeliver")  # delivered: may go again
    assert pending.status_code == 201
    assert api.post(f"/notifications/{pending.json()['id']}/redeliver").status_code == 409  # still pending


def test_a_digest_is_redelivered_with_its_events(api, acme, make_channel, make_rule, receiver):
    from datetime import time

    from apps.notifications import digests

    hook = make_channel("webhook", config_write={"url": f"{receiver.url}/hook"}).channel
    make_rule([hook], delivery_mode="digest", digest_time=time(13), digest_timezone="UTC")
    with clock.frozen(T0) as c:
        publish_run(acme, message="one")
        c.advance(seconds=1)
        publish_run(acme, message="two")
        deliver_all()
        c.advance(hours=1)
        [digest_id] = digests.collect_due()
        deliver_all()
        api.post(f"/notifications/{digest_id}/redeliver")
        deliver_all()
    first, again = (r.json() for r in receiver.requests)
    assert [e["text"] for e in again["events"]] == [e["text"] for e in first["events"]] == ["one", "two"]


def test_redelivery_needs_the_manage_relation_and_another_org_sees_nothing(
    api, api_as, acme, viewer, charlie, globex, hook, make_rule, receiver, data_team, in_team
):
    make_rule([hook])
    publish_run(acme)
    deliver_all()
    notification = Notification.objects.get()
    assert api_as(charlie, globex).get("/notifications").json()["items"] == []
    assert api_as(charlie, globex).post(f"/notifications/{notification.pk}/redeliver").status_code == 404
    # The viewer sees no organization channel, so no log entry of it either.
    assert api_as(viewer, acme).get("/notifications").json()["items"] == []
    assert api_as(viewer, acme).post(f"/notifications/{notification.pk}/redeliver").status_code == 404


def test_a_personal_rule_only_hears_of_runs_its_member_may_see(
    acme, bob, member_of, data_team, in_team, make_channel, make_rule, api_as, receiver
):
    from tests.org.conftest import owner_principal

    verify_email(bob)
    bob_principal = owner_principal(bob, acme)
    bob_member = member_of(bob)
    hook = make_channel(
        "webhook", principal=bob_principal, member_id=bob_member.pk, config_write={"url": f"{receiver.url}/bob"}
    ).channel
    make_rule([hook], principal=bob_principal, member_id=bob_member.pk, name="Everything I may see")
    other_team = data_team
    publish_run(acme, job_id="JOBTHEIRS", teamIds=[other_team.pk])  # a job of a team Bob is not in
    deliver_all()
    assert receiver.requests == []
    in_team(other_team, bob, "team_viewer")
    publish_run(acme, job_id="JOBOURS", teamIds=[other_team.pk])
    deliver_all()
    assert [r.json()["events"][0]["resourceId"] for r in receiver.requests] == ["JOBOURS"]


def test_a_team_rule_hears_of_its_team_and_an_own_resources_rule_of_its_owners(
    acme, owner, bob, member_of, data_team, in_team, make_channel, make_rule, receiver
):
    from apps.org.services.teams import team_create
    from tests.org.conftest import owner_principal

    team_hook = make_channel(
        "webhook", team_id=data_team.pk, name="Data hook", config_write={"url": f"{receiver.url}/team"}
    ).channel
    make_rule([team_hook], team_id=data_team.pk, scope_type="organization", name="Team")
    verify_email(bob)
    bob_principal = owner_principal(bob, acme)
    bob_hook = make_channel(
        "webhook", principal=bob_principal, member_id=member_of(bob).pk, config_write={"url": f"{receiver.url}/bob"}
    ).channel
    make_rule([bob_hook], principal=bob_principal, member_id=member_of(bob).pk, scope_type="own_resources", name="Mine")
    bobs_team = team_create(principal=owner, name="Bob's")
    in_team(bobs_team, bob)
    publish_run(acme, job_id="J1", teamIds=[data_team.pk])
    publish_run(acme, job_id="J2", teamIds=[bobs_team.pk], ownerId=bob.pk)
    publish_run(acme, job_id="J3", teamIds=[bobs_team.pk], ownerId=owner.id)
    deliver_all()
    heard = sorted((r.path, r.json()["events"][0]["resourceId"]) for r in receiver.requests)
    assert heard == [("/bob", "J2"), ("/team", "J1")]


def test_a_deleted_team_takes_its_channels_and_rules_with_it(acme, owner, data_team, make_channel, make_rule):
    from apps.core.events import deliver_pending
    from apps.notifications.models import Channel, Rule
    from apps.org.services.teams import team_delete

    channel = make_channel("email", team_id=data_team.pk).channel
    make_rule([channel], team_id=data_team.pk, scope_type="team", scope_id=data_team.pk)
    team_delete(principal=owner, team=data_team)
    deliver_pending()
    assert Channel.objects.get(pk=channel.pk).deleted_at is not None
    assert not Rule.objects.exists()
    assert AuditEvent.objects.filter(action="notification_rule.delete", actor_type="system").exists()


def test_the_sweep_sends_again_what_a_dead_worker_claimed(acme, hook, make_rule, receiver):
    from apps.notifications import delivery

    make_rule([hook])
    with clock.frozen(T0) as c:
        publish_run(acme)
        from apps.core.events import deliver_pending

        deliver_pending()
        notification = Notification.objects.get()
        Notification.objects.filter(pk=notification.pk).update(
            status="delivering", attempts=1, last_attempt_at=clock.now()
        )  # as a worker killed mid-send leaves it
        c.advance(seconds=60)
        assert delivery.sweep() == []  # the claim may still be alive
        c.advance(minutes=10)
        assert delivery.sweep() == [notification.pk]
        delivery.send_due()
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("delivered", 2)
    assert T0 + timedelta(minutes=11) == notification.delivered_at
