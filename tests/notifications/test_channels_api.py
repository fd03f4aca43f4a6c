"""The channel endpoints: shapes (the `api` client checks every answer against the reference), validation, who may
write, another organization's channels, secrets that are shown once and never again, the address policy."""

import pytest
from django.db import connection

from apps.core.audit import AuditEvent
from apps.notifications.models import Channel, Notification
from tests.notifications.conftest import verify_email

WEBHOOK = "https://hooks.example.com/lakesail?token=t0ps3cret"


def webhook_body(url: str = WEBHOOK, **extra) -> dict:
    return {"type": "webhook", "name": "Ops hook", "configWrite": {"url": url, **extra}}


def test_the_event_type_catalog_lists_every_type_and_the_shortcuts(api):
    items = api.get("/notifications/event-types", max_queries=8).json()["items"]
    keys = [i["key"] for i in items]
    assert keys[:3] == ["run.started", "run.succeeded", "run.failed"]
    assert {"cluster.unhealthy", "operation.failed", "session.idle_closed", "member.joined", "api_key.expiring"} <= set(
        keys
    )
    shortcut = next(i for i in items if i["key"] == "run.any_terminal")
    assert shortcut["expandsTo"] == ["run.succeeded", "run.failed", "run.timeout", "run.cancelled"]
    assert next(i for i in items if i["key"] == "run.failed")["expandsTo"] == []


def test_a_webhook_channel_is_created_with_a_secret_shown_once(api, acme):
    response = api.post("/notifications/channels", webhook_body())
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["config"] == {
        "memberId": None,
        "teamId": None,
        "url": "https://hooks.example.com/lakesail",
        "secretConfigured": True,
        "headerNames": [],
    }
    secret = body["configWrite"]["secret"]
    assert secret.startswith("whsec_") and len(secret) > 40
    assert (body["status"], body["supportsDigest"], body["verifiedAt"], body["teamId"], body["memberId"]) == (
        "active",
        True,
        None,
        None,
        None,
    )
    again = api.get(f"/notifications/channels/{body['id']}").json()
    assert again["configWrite"] is None and "t0ps3cret" not in str(again)
    listed = api.get("/notifications/channels").json()["items"]
    assert [c["id"] for c in listed] == [body["id"]]
    with connection.cursor() as cursor:
        cursor.execute("SELECT secrets FROM notifications_channel WHERE id = %s", [body["id"]])
        stored = cursor.fetchone()[0]
    assert secret not in stored and "t0ps3cret" not in stored  # encrypted at rest
    record = AuditEvent.objects.get(action="notification_channel.create")
    assert (record.target_id, record.organization_id) == (body["id"], acme.pk)
    assert "t0ps3cret" not in str(record.changes)


def test_a_given_secret_and_headers_are_kept_write_only(api):
    body = api.post(
        "/notifications/channels",
        webhook_body(secret="my-own-signing-secret-123", headers={"X-Api-Key": "header-value-secret"}),
    ).json()
    assert body["configWrite"] is None  # nothing generated, nothing to show
    assert body["config"]["headerNames"] == ["X-Api-Key"]
    assert "header-value-secret" not in str(body)


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"type": "fax", "name": "x"}, {"type": '"fax" is not a valid choice.'}),
        ({"type": "webhook", "name": "", "configWrite": {"url": WEBHOOK}}, {"name": "This field may not be blank."}),
        ({"type": "webhook", "name": "x"}, {"configWrite.url": "Required."}),
        (
            {"type": "webhook", "name": "x", "configWrite": {"url": "ftp://example.com/"}},
            {"configWrite.url": "Must be an http or https URL with a host."},
        ),
        (
            webhook_body(headers={"Content-Type": "text/plain", "Bad Name": "x"}),
            {
                "configWrite.headers.Content-Type": "Set by the console; cannot be replaced.",
                "configWrite.headers.Bad Name": "Not a valid header name.",
            },
        ),
        (webhook_body(secret="short"), {"configWrite.secret": "Must be 16 to 200 characters."}),
        (
            {"type": "pagerduty", "name": "x", "configWrite": {"routingKey": "nope"}},
            {"configWrite.routingKey": "An Events API v2 integration key: 20 to 64 letters and digits."},
        ),
        ({"type": "email", "name": "x", "teamId": "NOSUCHTEAM"}, {"teamId": "No such team."}),
    ],
)
def test_an_invalid_channel_is_refused_with_field_errors(api, body, errors):
    response = api.post("/notifications/channels", body)
    assert response.status_code == 400
    assert response.json()["details"]["fieldErrors"] == errors
    assert not Channel.objects.exists()


@pytest.mark.parametrize("host", ["169.254.169.254", "[::ffff:127.0.0.1]", "10.0.0.5", "127.0.0.2"])
def test_a_webhook_to_a_forbidden_address_is_refused_at_creation(api, settings, host):
    settings.OUTBOUND_HTTP_ALLOWED_NETWORKS = []  # the production policy: no loopback allowance
    response = api.post("/notifications/channels", webhook_body(f"http://{host}/latest/meta-data/"))
    assert response.status_code == 400
    assert response.json()["code"] == "address_not_allowed"
    assert response.json()["details"]["fieldErrors"] == {"configWrite.url": "Address not allowed."}
    assert not Channel.objects.exists()


def test_the_loopback_test_allowance_judges_an_ipv4_mapped_address_as_the_address_it_carries(api, settings):
    """With tests' 127.0.0.1/32 allowance, [::ffff:127.0.0.1] is 127.0.0.1 (allowed), [::ffff:127.0.0.2] is not."""
    settings.OUTBOUND_HTTP_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    assert api.post("/notifications/channels", webhook_body("http://[::ffff:127.0.0.1]:9/")).status_code == 201
    refused = api.post("/notifications/channels", webhook_body("http://[::ffff:127.0.0.2]:9/"))
    assert refused.json()["code"] == "address_not_allowed"
    assert api.post("/notifications/channels", webhook_body("http://169.254.169.254/")).status_code == 400


def test_slack_and_pagerduty_secrets_never_come_back(api):
    slack = api.post(
        "/notifications/channels",
        {"type": "slack", "name": "#alerts", "configWrite": {"url": "https://hooks.slack.com/services/T0/B0/s3cr3t"}},
    ).json()
    assert slack["config"] == {"memberId": None, "teamId": None, "host": "hooks.slack.com", "urlConfigured": True}
    pagerduty = api.post(
        "/notifications/channels",
        {"type": "pagerduty", "name": "On call", "configWrite": {"routingKey": "R" * 32}},
    ).json()
    assert pagerduty["supportsDigest"] is False and "R" * 32 not in str(pagerduty)
    assert "s3cr3t" not in api.get("/notifications/channels").content.decode()


def test_a_member_manages_a_personal_email_channel_without_the_manage_relation(api_as, bob, acme, alice):
    verify_email(bob)
    bob_api = api_as(bob, acme)
    bob_member = acme.members.get(user=bob)
    created = bob_api.post("/notifications/channels", {"type": "email", "name": "Me", "memberId": bob_member.pk})
    assert created.status_code == 201, created.json()
    assert created.json()["config"] == {"memberId": bob_member.pk, "teamId": None, "email": None}
    # Another member's personal channel, or the organization's, is not Bob's to create.
    alice_member = acme.members.get(user=alice)
    for body in ({"type": "email", "name": "Not mine", "memberId": alice_member.pk}, {"type": "email", "name": "Org"}):
        refused = bob_api.post("/notifications/channels", body)
        assert refused.status_code == 403
        assert refused.json()["details"]["causedBy"] == "CanManageNotifications"
    # A personal channel emails its own member only.
    other = bob_api.post(
        "/notifications/channels",
        {"type": "email", "name": "Sneaky", "memberId": bob_member.pk, "configWrite": {"memberId": alice_member.pk}},
    )
    assert other.json()["details"]["fieldErrors"] == {
        "configWrite.memberId": "A personal channel emails its own member."
    }


def test_an_unverified_address_is_not_a_recipient(api_as, bob, acme):
    bob_member = acme.members.get(user=bob)
    response = api_as(bob, acme).post(
        "/notifications/channels", {"type": "email", "name": "Me", "memberId": bob_member.pk}
    )
    assert response.json()["details"]["fieldErrors"] == {
        "configWrite.memberId": "This member has no verified email address."
    }


def test_a_viewer_sees_the_team_channel_and_cannot_change_it(api, api_as, acme, viewer, data_team, in_team):
    in_team(data_team, viewer, "team_viewer")
    channel = api.post("/notifications/channels", {"type": "email", "name": "Data mail", "teamId": data_team.pk}).json()
    viewer_api = api_as(viewer, acme)
    assert [c["id"] for c in viewer_api.get("/notifications/channels").json()["items"]] == [channel["id"]]
    for method, path, body in [
        ("PATCH", f"/notifications/channels/{channel['id']}", {"name": "Mine now"}),
        ("DELETE", f"/notifications/channels/{channel['id']}", None),
        ("POST", f"/notifications/channels/{channel['id']}/test", None),
        ("POST", "/notifications/channels", {"type": "email", "name": "x", "teamId": data_team.pk}),
    ]:
        response = viewer_api.request(method, path, body)
        assert response.status_code == 403, (method, path)
        assert response.json()["details"]["causedBy"] == "CanManageNotifications"
    assert Channel.objects.get(pk=channel["id"]).name == "Data mail"


def test_a_member_outside_the_team_does_not_see_its_channels(api, api_as, acme, bob, data_team):
    channel = api.post("/notifications/channels", {"type": "email", "name": "Data mail", "teamId": data_team.pk}).json()
    bob_api = api_as(bob, acme)
    assert bob_api.get("/notifications/channels").json()["items"] == []
    assert bob_api.get(f"/notifications/channels/{channel['id']}").status_code == 404


def test_another_organizations_channel_is_not_found(api, api_as, charlie, globex):
    channel = api.post("/notifications/channels", webhook_body()).json()
    stranger = api_as(charlie, globex)
    for method, body in [("GET", None), ("PATCH", {"name": "x"}), ("DELETE", None)]:
        response = stranger.request(method, f"/notifications/channels/{channel['id']}", body)
        assert response.status_code == 404 and response.json()["code"] == "channel_not_found"
    assert stranger.post(f"/notifications/channels/{channel['id']}/test").status_code == 404
    assert stranger.get("/notifications/channels").json()["items"] == []


def test_patch_renames_disables_and_reconfigures_keeping_the_secret(api, receiver):
    created = api.post("/notifications/channels", webhook_body(f"{receiver.url}/a")).json()
    path = f"/notifications/channels/{created['id']}"
    assert api.post(f"{path}/test").status_code == 204
    assert api.get(path).json()["verifiedAt"] is not None

    patched = api.patch(path, {"name": "Renamed", "status": "disabled", "configWrite": {"url": f"{receiver.url}/b"}})
    assert patched.status_code == 200, patched.json()
    body = patched.json()
    assert (body["name"], body["status"], body["verifiedAt"], body["configWrite"]) == (
        "Renamed",
        "disabled",
        None,
        None,
    )
    assert body["config"]["url"].endswith("/b") and body["config"]["secretConfigured"] is True

    assert api.post(f"{path}/test").status_code == 204  # a disabled channel can still be tested
    first, second = receiver.requests
    assert first.path == "/a" and second.path == "/b"
    assert first.headers["lakesail-signature"] != second.headers["lakesail-signature"]
    assert api.patch(path, {"status": "failing"}).json()["details"]["fieldErrors"] == {
        "status": '"failing" is not a valid choice.'
    }
    assert AuditEvent.objects.filter(action="notification_channel.update", target_id=created["id"]).count() == 1


def test_a_failed_test_is_a_400_and_stays_in_the_log(api, receiver):
    receiver.answers = [404]
    created = api.post("/notifications/channels", webhook_body(f"{receiver.url}/gone")).json()
    response = api.post(f"/notifications/channels/{created['id']}/test")
    assert response.status_code == 400
    assert response.json()["code"] == "channel_test_failed"
    assert "HTTP 404" in response.json()["message"]
    test = Notification.objects.get()
    assert (test.kind, test.status, test.attempts) == ("test", "failed", 1)
    assert api.get(f"/notifications/channels/{created['id']}").json()["verifiedAt"] is None
    record = AuditEvent.objects.get(action="notification_channel.test")
    assert record.outcome == "failure"


def test_delete_is_soft_and_keeps_the_history(api, receiver):
    created = api.post("/notifications/channels", webhook_body(f"{receiver.url}/a")).json()
    path = f"/notifications/channels/{created['id']}"
    api.post(f"{path}/test")
    assert api.delete(path).status_code == 204
    assert api.get(path).status_code == 404
    assert api.get("/notifications/channels").json()["items"] == []
    assert Channel.objects.get(pk=created["id"]).deleted_at is not None
    log = api.get(f"/notifications?channelId={created['id']}").json()
    assert [n["channelId"] for n in log["items"]] == [created["id"]]
    assert AuditEvent.objects.filter(action="notification_channel.delete", target_id=created["id"]).exists()


def test_channel_lists_filter_and_page(api, acme, data_team):
    for n in range(3):
        api.post("/notifications/channels", {"type": "email", "name": f"Team {n}", "teamId": data_team.pk})
    api.post("/notifications/channels", webhook_body())
    page = api.get("/notifications/channels?limit=2", max_queries=10).json()
    assert len(page["items"]) == 2 and page["marker"]
    rest = api.get(f"/notifications/channels?limit=2&marker={page['marker']}").json()
    assert len(rest["items"]) == 2 and "marker" not in rest
    team = api.get(f"/notifications/channels?teamId={data_team.pk}").json()["items"]
    assert {c["name"] for c in team} == {"Team 0", "Team 1", "Team 2"}
    bad = api.get("/notifications/channels?teamId=not-an-id")
    assert bad.status_code == 400 and "teamId" in bad.json()["details"]["fieldErrors"]
