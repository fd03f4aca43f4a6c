"""The console pages: channels (add per type, test, disable), the rules editor (mute), the delivery log
(filters, redeliver), my notifications; and the Django admin, which never shows a secret."""

from datetime import timedelta

import pytest

from apps.core import clock
from apps.identity.models import User
from apps.notifications.models import Channel, Notification, Rule
from tests.notifications.conftest import deliver_all, publish_run, verify_email
from tests.org.test_console_pages import console_as


@pytest.fixture
def console(alice):
    return console_as(alice)


def test_the_nav_link_leads_to_the_channels_page(console):
    page = console.get("/")
    assert 'href="/notifications/"' in page.content.decode()
    page = console.get("/notifications/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "No channels yet" in text and "Add webhook" in text and "Placeholder" not in text


def test_the_dashboard_shows_failing_channels(console, acme, make_channel, make_rule, receiver):
    assert "failed deliver" not in console.get("/").content.decode()  # no channel: no card
    hook = make_channel("webhook", name="Flaky hook", config_write={"url": f"{receiver.url}/h"}).channel
    make_rule([hook])
    receiver.answers = [400] * 5
    for _ in range(5):
        publish_run(acme)
    deliver_all()
    page = console.get("/").content.decode()
    assert "1 failing" in page and "Flaky hook" in page and "5 failed deliveries in the last day" in page


def test_a_webhook_channel_is_added_its_secret_shown_once_then_tested_and_disabled(console, receiver):
    page = console.post(
        "/notifications/channels/new/webhook",
        {"name": "Ops hook", "owner": "org", "url": f"{receiver.url}/hook", "headers": "X-Team: data"},
    )
    assert page.status_code == 200
    channel = Channel.objects.get()
    assert "whsec_" in page.content.decode() and "shown this once" in page.content.decode()
    detail = console.get(f"/notifications/channels/{channel.pk}/").content.decode()
    assert "whsec_" not in detail and "not yet: send a test" in detail

    response = console.post(f"/notifications/channels/{channel.pk}/test")
    assert response.status_code == 302
    [request] = receiver.requests
    assert request.json()["type"] == "test" and request.headers["x-team"] == "data"
    assert "Test message sent" in console.get(response["Location"]).content.decode()

    console.post(f"/notifications/channels/{channel.pk}/status", {"status": "disabled"})
    assert Channel.objects.get().status == "disabled"
    listing = console.get("/notifications/?q=Ops").content.decode()
    assert "Ops hook" in listing and "disabled" in listing


def test_a_refused_address_shows_on_its_field(console, settings):
    settings.OUTBOUND_HTTP_ALLOWED_NETWORKS = []
    page = console.post(
        "/notifications/channels/new/webhook", {"name": "Sneaky", "owner": "org", "url": "http://169.254.169.254/"}
    )
    assert page.status_code == 200 and "Address not allowed." in page.content.decode()
    assert not Channel.objects.exists()


def test_a_failed_test_shows_what_the_destination_answered(console, receiver):
    receiver.answers = [500]
    console.post("/notifications/channels/new/slack", {"name": "#alerts", "owner": "org", "url": f"{receiver.url}/s"})
    channel = Channel.objects.get()
    response = console.post(f"/notifications/channels/{channel.pk}/test", follow=True)
    assert "Slack answered HTTP 500" in response.content.decode()


def test_the_rule_editor_creates_mutes_and_saves_a_rule(console, make_channel):
    hook = make_channel("webhook", config_write={"url": "https://hooks.example.com/x"}).channel
    editor = console.get("/notifications/rules/new").content.decode()
    assert "Job runs" in editor and "Any terminal run status" in editor and "shortcut" in editor
    response = console.post(
        "/notifications/rules/new",
        {
            "name": "Nightly failures",
            "owner": "org",
            "resource_type": "job",
            "event_types": ["run.any_terminal"],
            "scope_type": "organization",
            "channels": [hook.pk],
            "delivery_mode": "digest",
            "digest_time": "08:00",
            "digest_timezone": "Europe/Paris",
            "digest_day_of_week": "",
            "enabled": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    rule = Rule.objects.get()
    assert rule.event_types == ["run.succeeded", "run.failed", "run.timeout", "run.cancelled"]
    assert (rule.digest_timezone, rule.digest_day_of_week) == ("Europe/Paris", None)

    with clock.frozen() as c:
        console.post(f"/notifications/rules/{rule.pk}/mute", {"duration": "hour"})
        rule.refresh_from_db()
        assert rule.muted_until == c.current + timedelta(hours=1)
    console.post(f"/notifications/rules/{rule.pk}/mute", {"duration": "off"})
    rule.refresh_from_db()
    assert rule.muted_until is None
    assert "Rules" in console.get("/notifications/rules/").content.decode()


def test_the_rule_editor_shows_the_services_errors_on_their_fields(console, make_channel):
    hook = make_channel("pagerduty", config_write={"routingKey": "R" * 32}).channel
    page = console.post(
        "/notifications/rules/new",
        {
            "name": "Digest to PagerDuty",
            "owner": "org",
            "resource_type": "cluster",
            "event_types": ["run.failed"],
            "scope_type": "organization",
            "channels": [hook.pk],
            "delivery_mode": "digest",
            "digest_time": "08:00",
            "digest_timezone": "UTC",
        },
    ).content.decode()
    assert "Not an event of resource type cluster." in page and "A pagerduty channel takes no digests." in page
    assert not Rule.objects.exists()


def test_the_log_filters_and_redelivers(console, acme, make_channel, make_rule, receiver):
    hook = make_channel("webhook", name="Ops", config_write={"url": f"{receiver.url}/hook"}).channel
    make_rule([hook])
    receiver.answers = [400]
    publish_run(acme)
    publish_run(acme)
    deliver_all()
    page = console.get("/notifications/log/?status=failed").content.decode()
    assert page.count("Redeliver") == 1 and "HTTP 400" in page
    failed = Notification.objects.get(status="failed")
    response = console.post(f"/notifications/log/{failed.pk}/redeliver")
    assert response.status_code == 302
    deliver_all()
    assert Notification.objects.get(redelivery_of=failed).status == "delivered"
    partial = console.get("/notifications/log/?status=delivered", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and partial.count("<tr>") == 3  # the header row and two deliveries


def test_my_notifications_lists_what_my_personal_channels_got(console, alice, acme, make_channel, make_rule, receiver):
    member = acme.members.get(user=alice)
    verify_email(alice)
    mine = make_channel("webhook", name="My hook", member_id=member.pk, config_write={"url": f"{receiver.url}/me"})
    make_rule([mine.channel], member_id=member.pk, name="My runs")
    org_hook = make_channel("webhook", name="Org hook", config_write={"url": f"{receiver.url}/org"}).channel
    make_rule([org_hook], name="Org runs")
    publish_run(acme)
    deliver_all()
    page = console.get("/notifications/mine/").content.decode()
    assert "My hook" in page and "My runs" in page and "Org hook" not in page


def test_a_viewer_cannot_add_or_change_and_another_org_sees_nothing(acme, viewer, charlie, make_channel):
    channel = make_channel("webhook", config_write={"url": "https://hooks.example.com/x"}).channel
    viewer_console = console_as(viewer)
    assert "Add webhook" in viewer_console.get("/notifications/").content.decode()  # a personal channel, at least
    refused = viewer_console.post(
        "/notifications/channels/new/webhook", {"name": "x", "owner": "org", "url": "https://hooks.example.com/y"}
    )
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    assert viewer_console.get(f"/notifications/channels/{channel.pk}/").status_code == 404
    assert console_as(charlie).get(f"/notifications/channels/{channel.pk}/").status_code == 404
    assert console_as(charlie).post(f"/notifications/channels/{channel.pk}/delete").status_code == 404
    assert Channel.objects.get().deleted_at is None


def test_the_admin_lists_everything_and_never_shows_a_secret(acme, make_channel, make_rule, receiver):
    saved = make_channel("webhook", config_write={"url": f"{receiver.url}/h?token=s3cr3t-t0ken"})
    make_rule([saved.channel])
    publish_run(acme)
    deliver_all()
    admin = console_as(User.objects.create_superuser(email="root@acme.test", password="x-long-password-1"))
    for path in (
        "/admin/notifications/channel/",
        f"/admin/notifications/channel/{saved.channel.pk}/change/",
        "/admin/notifications/rule/",
        "/admin/notifications/notification/",
        "/admin/notifications/resourcestate/",
    ):
        page = admin.get(path)
        assert page.status_code == 200, path
        text = page.content.decode()
        assert saved.shown_once["secret"] not in text and "s3cr3t-t0ken" not in text
    assert "(set)" in admin.get(f"/admin/notifications/channel/{saved.channel.pk}/change/").content.decode()
    assert admin.get("/admin/notifications/notification/add/").status_code == 403
