"""The rule endpoints: shapes, shortcuts, scope and channel checks, digests, mute, who may write, other orgs."""

import pytest

from apps.core.audit import AuditEvent
from apps.notifications.models import Rule
from tests.notifications.conftest import deliver_all, publish_run, verify_email


@pytest.fixture
def hook(api):
    body = {"type": "webhook", "name": "Ops", "configWrite": {"url": "https://hooks.example.com/ops"}}
    return api.post("/notifications/channels", body).json()


def rule_body(channel_ids: list[str], **extra) -> dict:
    return {
        "name": "Failed runs",
        "resourceType": "job",
        "scopeType": "organization",
        "eventTypes": ["run.failed"],
        "channelIds": channel_ids,
        **extra,
    }


def test_a_rule_is_created_with_its_shortcuts_expanded(api, acme, hook):
    response = api.post("/notifications/rules", rule_body([hook["id"]], eventTypes=["run.any_terminal", "run.failed"]))
    assert response.status_code == 201, response.json()
    rule = response.json()
    assert rule["eventTypes"] == ["run.succeeded", "run.failed", "run.timeout", "run.cancelled"]
    assert (rule["channelIds"], rule["deliveryMode"], rule["enabled"], rule["scopeId"], rule["mutedUntil"]) == (
        [hook["id"]],
        "immediate",
        True,
        None,
        None,
    )
    assert api.get(f"/notifications/rules/{rule['id']}").json() == rule
    assert AuditEvent.objects.get(action="notification_rule.create").target_id == rule["id"]


def test_any_failure_in_a_rule_of_one_resource_type_expands_to_that_types_failures(api, hook):
    rule = api.post(
        "/notifications/rules", rule_body([hook["id"]], resourceType="cluster", eventTypes=["any.failure"])
    ).json()
    assert rule["eventTypes"] == ["cluster.unhealthy"]
    anything = api.post("/notifications/rules", rule_body([hook["id"]], resourceType="any", eventTypes=["any.failure"]))
    assert anything.json()["eventTypes"] == [
        "run.failed",
        "run.timeout",
        "cluster.unhealthy",
        "operation.failed",
        "session.failed",
    ]


@pytest.mark.parametrize(
    ("extra", "errors"),
    [
        ({"eventTypes": ["run.exploded"]}, {"eventTypes[0]": "Unknown event type."}),
        ({"eventTypes": ["cluster.unhealthy"]}, {"eventTypes[0]": "Not an event of resource type job."}),
        (
            {"resourceType": "spaceship"},
            {"resourceType": "Must be one of: job, cluster, operation, session, member, api_key, any."},
        ),
        ({"scopeType": "team"}, {"scopeId": "No such team."}),
        ({"scopeType": "resource"}, {"scopeId": "The id of the resource the rule watches."}),
        ({"scopeType": "own_resources"}, {"scopeType": "own_resources is for personal rules (memberId)."}),
        ({"channelIds": ["NOSUCHCHAN"]}, {"channelIds[0]": "No such channel."}),
        ({"channelIds": []}, {"channelIds": "Between 1 and 20 channels."}),
        (
            {"deliveryMode": "digest"},
            {"digestTime": "Required for a digest (HH:MM).", "digestTimezone": "Required for a digest."},
        ),
        (
            {"deliveryMode": "digest", "digestTime": "08:00", "digestTimezone": "Mars/Olympus", "digestDayOfWeek": 9},
            {
                "digestTimezone": "An IANA time zone, such as Europe/Paris.",
                "digestDayOfWeek": "0 (Monday) to 6 (Sunday), or null for every day.",
            },
        ),
        (
            {"digestTime": "8 o'clock"},
            {"digestTime": "Time has wrong format. Use one of these formats instead: hh:mm."},
        ),
        ({"deliveryMode": "weekly"}, {"deliveryMode": '"weekly" is not a valid choice.'}),
    ],
)
def test_an_invalid_rule_is_refused_with_field_errors(api, hook, extra, errors):
    response = api.post("/notifications/rules", rule_body([hook["id"]], **extra))
    assert response.status_code == 400, response.json()
    assert response.json()["details"]["fieldErrors"] == errors
    assert not Rule.objects.exists()


def test_a_digest_rule_keeps_its_schedule(api, hook):
    rule = api.post(
        "/notifications/rules",
        rule_body(
            [hook["id"]],
            deliveryMode="digest",
            digestTime="08:00",
            digestTimezone="America/New_York",
            digestDayOfWeek=0,
        ),
    ).json()
    assert (rule["digestTime"], rule["digestTimezone"], rule["digestDayOfWeek"]) == ("08:00", "America/New_York", 0)


def test_patch_mutes_disables_and_changes_channels(api, hook):
    other = api.post(
        "/notifications/channels", {"type": "webhook", "name": "Other", "configWrite": {"url": "https://x.example/"}}
    ).json()
    rule = api.post("/notifications/rules", rule_body([hook["id"]])).json()
    path = f"/notifications/rules/{rule['id']}"
    patched = api.patch(path, {"mutedUntil": "2026-12-01T10:00:00Z", "enabled": False, "channelIds": [other["id"]]})
    assert patched.status_code == 200, patched.json()
    body = patched.json()
    assert (body["mutedUntil"], body["enabled"], body["channelIds"], body["name"]) == (
        "2026-12-01T10:00:00Z",
        False,
        [other["id"]],
        "Failed runs",
    )
    assert api.patch(path, {"mutedUntil": None}).json()["mutedUntil"] is None
    assert api.patch(path, {"eventTypes": []}).json()["details"]["fieldErrors"] == {
        "eventTypes": "At least one event type."
    }
    assert AuditEvent.objects.filter(action="notification_rule.update", target_id=rule["id"]).count() == 2


def test_delete_removes_the_rule_and_keeps_its_deliveries(api, acme, receiver):
    hook = api.post(
        "/notifications/channels", {"type": "webhook", "name": "Ops", "configWrite": {"url": f"{receiver.url}/h"}}
    ).json()
    rule = api.post("/notifications/rules", rule_body([hook["id"]])).json()
    publish_run(acme)
    deliver_all()
    assert api.delete(f"/notifications/rules/{rule['id']}").status_code == 204
    assert api.get(f"/notifications/rules/{rule['id']}").status_code == 404
    [entry] = api.get("/notifications").json()["items"]
    assert (entry["ruleId"], entry["status"]) == (None, "delivered")
    publish_run(acme)
    deliver_all()
    assert len(receiver.requests) == 1  # the deleted rule matches nothing


def test_a_member_writes_personal_rules_to_their_own_channels_only(api, api_as, acme, bob, hook):
    verify_email(bob)
    bob_api = api_as(bob, acme)
    bob_member = acme.members.get(user=bob).pk
    mine = bob_api.post("/notifications/channels", {"type": "email", "name": "Me", "memberId": bob_member}).json()
    rule = bob_api.post(
        "/notifications/rules",
        rule_body([mine["id"]], memberId=bob_member, scopeType="own_resources", name="Mine"),
    )
    assert rule.status_code == 201, rule.json()
    assert rule.json()["memberId"] == bob_member
    refused = bob_api.post("/notifications/rules", rule_body([hook["id"]], memberId=bob_member))
    assert refused.json()["details"]["fieldErrors"] == {
        "channelIds[0]": "A personal rule sends to its member's own channels."
    }
    org_rule = bob_api.post("/notifications/rules", rule_body([mine["id"]]))
    assert org_rule.status_code == 403 and org_rule.json()["details"]["causedBy"] == "CanManageNotifications"
    # The owner sees Bob's personal rule (org-wide CanViewNotifications); an org rule cannot use Bob's channel.
    assert [r["id"] for r in api.get(f"/notifications/rules?memberId={bob_member}").json()["items"]] == [
        rule.json()["id"]
    ]
    assert api.post("/notifications/rules", rule_body([mine["id"]])).json()["details"]["fieldErrors"] == {
        "channelIds[0]": "A personal channel takes its member's rules only."
    }


def test_a_team_rule_watches_its_own_team_and_uses_the_teams_channels(api, data_team, hook):
    team_mail = api.post("/notifications/channels", {"type": "email", "name": "Data", "teamId": data_team.pk}).json()
    ok = api.post(
        "/notifications/rules",
        rule_body([team_mail["id"]], teamId=data_team.pk, scopeType="team", scopeId=data_team.pk),
    )
    assert ok.status_code == 201, ok.json()
    wrong = api.post(
        "/notifications/rules", rule_body([hook["id"]], teamId=data_team.pk, scopeType="team", scopeId="X")
    )
    assert wrong.json()["details"]["fieldErrors"] == {
        "scopeId": "A team's rule watches its own team.",
        "channelIds[0]": "A team's rule sends to the team's channels.",
    }


def test_rule_lists_filter(api, hook, data_team):
    api.post("/notifications/rules", rule_body([hook["id"]], name="A"))
    api.post(
        "/notifications/rules",
        rule_body([hook["id"]], name="B", resourceType="cluster", eventTypes=["cluster.unhealthy"]),
    )
    listed = api.get("/notifications/rules", max_queries=10).json()["items"]
    assert [r["name"] for r in listed] == ["A", "B"]
    assert [r["name"] for r in api.get("/notifications/rules?resourceType=cluster").json()["items"]] == ["B"]
    assert api.get("/notifications/rules?scopeType=team").json()["items"] == []
    bad = api.get("/notifications/rules?scopeType=galaxy")
    assert bad.status_code == 400 and "scopeType" in bad.json()["details"]["fieldErrors"]


def test_another_organizations_rule_is_not_found(api, api_as, charlie, globex, hook):
    rule = api.post("/notifications/rules", rule_body([hook["id"]])).json()
    stranger = api_as(charlie, globex)
    for method, body in [("GET", None), ("PATCH", {"enabled": False}), ("DELETE", None)]:
        response = stranger.request(method, f"/notifications/rules/{rule['id']}", body)
        assert response.status_code == 404 and response.json()["code"] == "rule_not_found"
    assert stranger.get("/notifications/rules").json()["items"] == []
    assert Rule.objects.get(pk=rule["id"]).enabled is True
