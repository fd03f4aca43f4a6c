import csv
import io
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest

from apps.core import audit, clock
from apps.core.actor import acting_as
from apps.identity.services.users import user_create
from apps.org.services.organizations import member_add
from tests import reference
from tests.conftest import PASSWORD
from tests.org.test_console_pages import console_as

URL = "/org/audit-events"
T0 = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)
WIRE = {
    "auditEventId",
    "actorType",
    "actorId",
    "action",
    "targetType",
    "targetId",
    "ip",
    "userAgent",
    "requestId",
    "outcome",
    "changes",
    "createdAt",
}


@pytest.fixture
def history(acme, alice, bob):
    """Five Acme records a minute apart (oldest first), by alice then bob, and one of another organization."""
    made = []
    with clock.frozen(T0) as c:
        for actor, action, target in [
            (alice, "team.create", "TEAMAAAAA1"),
            (alice, "team.update", "TEAMAAAAA1"),
            (bob, "member.update", "MEMBERBBB1"),
            (alice, "team.delete", "TEAMAAAAA1"),
            (bob, "policy.set", "POLICYBBB1"),
        ]:
            with acting_as(actor.pk):
                made.append(
                    audit.record(
                        action,
                        organization_id=acme.pk,
                        target_type=action.split(".")[0],
                        target_id=target,
                        changes={"name": "=HYPERLINK(evil)"},
                    )
                )
            c.advance(minutes=1)
        audit.record("team.create", organization_id="OTHERORG01", target_type="team", target_id="ELSEWHERE1")
    return made


def get(client, **params):
    return client.get(f"{URL}?{urlencode(params)}" if params else URL)


def csv_rows(api, **params) -> list[dict[str, str]]:
    """A CSV export, read as a client would (the JSON checks of ApiClient do not apply to a stream)."""
    response = api.client.get(
        f"{reference.BASE}{URL}?{urlencode(params)}",
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
        HTTP_LAKESAIL_ORGANIZATION_ID=api.org_id,
    )
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="audit-events.csv"'
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def ids(response) -> list[str]:
    return [item["targetId"] + ":" + item["action"] for item in response.json()["items"]]


def test_it_lists_the_organizations_records_newest_first_with_their_wire_names(api, alice, acme):
    created = api.post("/org/teams", {"name": "Data"}, headers={"User-Agent": "audit-test"})
    assert created.status_code == 201

    response = api.get(URL, max_queries=8)

    assert response.status_code == 200
    items = response.json()["items"]
    assert all(set(item) == WIRE for item in items)
    assert [item["createdAt"] for item in items] == sorted((item["createdAt"] for item in items), reverse=True)
    [team] = [item for item in items if item["action"] == "team.create"]
    assert team["targetId"] == created.json()["team"]["id"] and team["targetType"] == "team"
    assert (team["actorType"], team["actorId"], team["outcome"]) == ("user", alice.pk, "success")
    assert (team["ip"], team["userAgent"], team["requestId"]) == ("127.0.0.1", "audit-test", created["X-Request-Id"])
    assert team["changes"] == {"name": "Data"} and team["createdAt"].endswith("Z")


def test_it_filters_by_actor_action_prefix_target_and_time(api, history, alice, bob):
    assert ids(get(api, actorId=bob.pk)) == ["POLICYBBB1:policy.set", "MEMBERBBB1:member.update"]
    assert ids(get(api, action="team.")) == [
        "TEAMAAAAA1:team.delete",
        "TEAMAAAAA1:team.update",
        "TEAMAAAAA1:team.create",
    ]
    assert ids(get(api, action="team.update")) == ["TEAMAAAAA1:team.update"]
    members = get(api, targetType="member").json()["items"]
    assert "MEMBERBBB1:member.update" in ids(get(api, targetType="member"))
    assert {item["targetType"] for item in members} == {"member"}
    assert len(ids(get(api, targetId="TEAMAAAAA1"))) == 3
    window = {"createdAfter": "2026-04-01T08:01:00Z", "createdBefore": "2026-04-01T08:03:00Z"}  # [after, before)
    assert ids(get(api, **window)) == ["MEMBERBBB1:member.update", "TEAMAAAAA1:team.update"]


def test_it_pages_with_a_marker_newest_first(api, history):
    first = get(api, limit=2, action="t")  # the three team records
    second = get(api, limit=2, action="t", marker=first.json()["marker"])

    assert ids(first) == ["TEAMAAAAA1:team.delete", "TEAMAAAAA1:team.update"]
    assert ids(second) == ["TEAMAAAAA1:team.create"] and "marker" not in second.json()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"createdAfter": "yesterday"}, "createdAfter"),
        ({"createdBefore": "2026-13-01"}, "createdBefore"),
        ({"format": "xml"}, "format"),
        ({"limit": "500"}, "limit"),
        ({"marker": "not-a-marker"}, "marker"),
    ],
)
def test_it_refuses_bad_parameters_with_the_error_object(api, params, field):
    response = get(api, **params)
    assert response.status_code == 400
    assert field in response.json()["details"]["fieldErrors"]


def test_csv_streams_every_matching_record_with_the_same_columns_and_no_formulas(api, history):
    rows = csv_rows(api, format="csv", action="team.", limit=1)

    assert [row["action"] for row in rows] == ["team.delete", "team.update", "team.create"]  # limit ignored
    assert set(rows[0]) == WIRE
    assert rows[0]["changes"] == '{"name": "=HYPERLINK(evil)"}'  # JSON starts with {: a spreadsheet keeps it text
    assert all(row["auditEventId"] for row in rows)


def test_a_cell_that_starts_like_a_formula_stays_text(api, acme):
    audit.record("=cmd|calc", organization_id=acme.pk, target_type="-team", target_id="@x")
    [row] = csv_rows(api, format="csv", action="=")
    assert (row["action"], row["targetType"], row["targetId"]) == ("'=cmd|calc", "'-team", "'@x")


def test_another_organization_sees_only_its_own_records(api_as, charlie, globex, history):
    items = api_as(charlie, globex).get(URL).json()["items"]
    assert items and all(item["targetId"] != "TEAMAAAAA1" for item in items)
    assert {item["actorId"] for item in items} <= {charlie.pk, ""}


def test_owners_and_admins_may_read_it_members_and_viewers_may_not(api_as, acme, bob, history):
    admin = user_create(email="ada@acme.test", password=PASSWORD)
    member_add(org=acme, user=admin, role_keys=["admin"])
    viewer = user_create(email="vic@acme.test", password=PASSWORD)
    member_add(org=acme, user=viewer, role_keys=["viewer"])

    assert api_as(admin, acme).get(URL).status_code == 200
    for refused in (bob, viewer):
        response = get(api_as(refused, acme), format="csv")
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_it_needs_a_token(anon):
    assert anon.get(URL).status_code == 401


def test_the_console_page_shows_the_same_records_with_filters_and_older_pages(alice, acme, history):
    browser = console_as(alice)
    page = browser.get("/org/audit/", {"action": "team."})

    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("team.delete") < html.index("team.update") < html.index("team.create")
    assert "policy.set" not in html and 'aria-current="page">Audit log' in html

    with clock.frozen(T0 + timedelta(hours=1)):
        for n in range(60):
            audit.record("bulk.event", organization_id=acme.pk, target_type="x", target_id=f"X{n:03d}")
    newest = browser.get("/org/audit/", {"action": "bulk."}).content.decode()
    assert newest.count("bulk.event") == 50 and 'rel="next"' in newest
