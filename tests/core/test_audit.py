from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction

from apps.core import audit, clock
from apps.core.actor import SERVICE_ACCOUNT, acting_as
from apps.core.audit import REDACTED, AuditEvent
from apps.core.audit_context import RequestInfo, in_request
from apps.core.tasks import prune_audit_events
from apps.identity.models import User
from tests.org.test_console_pages import console_as

T0 = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)


def record(action: str = "team.create", **overrides) -> AuditEvent:
    return audit.record(
        action, **{"organization_id": None, "target_type": "team", "target_id": "TEAM000001", **overrides}
    )


def test_a_record_is_written_in_the_callers_transaction(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        record()
        assert AuditEvent.objects.count() == 1
        raise RuntimeError("the change failed")
    assert not AuditEvent.objects.exists()


def test_it_records_who_acted_where_and_when(db, acme):
    request = RequestInfo(ip="198.51.100.4", user_agent="curl/8.5", request_id="3f2a9c0d1e4b5a67")
    with clock.frozen(T0), acting_as("SVCACCT001", SERVICE_ACCOUNT), in_request(request):
        event = record(organization_id=acme.pk, changes={"name": "Data"})
    event.refresh_from_db()
    assert (event.actor_type, event.actor_id, event.organization_id) == ("service_account", "SVCACCT001", acme.pk)
    assert (event.ip, event.user_agent, event.request_id) == ("198.51.100.4", "curl/8.5", "3f2a9c0d1e4b5a67")
    assert (event.action, event.target_type, event.target_id, event.outcome) == (
        "team.create",
        "team",
        "TEAM000001",
        "success",
    )
    assert event.created_at == T0 and event.changes == {"name": "Data"}


def test_without_an_actor_it_is_anonymous_in_a_request_and_the_system_elsewhere(db):
    with in_request(RequestInfo(ip=None, user_agent="", request_id="r1")):
        assert (record().actor_type, record().actor_id) == ("anonymous", "")
    assert (record().actor_type, record().actor_id) == ("system", "")


def test_values_under_secret_looking_keys_never_reach_the_record(db):
    event = record(
        changes={
            "name": "kept",
            "password": "hunter2-hunter2",
            "clientSecret": "s3cr3t-value-xyz",
            "nested": {"apiToken": "tok-123", "list": [{"recoveryCodes": ["AAAA-BBBB"]}]},
            "api_key": "lsk_abc",
            "mfaCode": "123456",
        }
    )
    event.refresh_from_db()
    assert event.changes == {
        "name": "kept",
        "password": REDACTED,
        "clientSecret": REDACTED,
        "nested": {"apiToken": REDACTED, "list": [{"recoveryCodes": REDACTED}]},
        "api_key": REDACTED,
        "mfaCode": REDACTED,
    }


def test_strings_cannot_forge_a_line(db):
    with in_request(RequestInfo(ip=None, user_agent="evil\r\nX-Injected: 1", request_id="r1")):
        event = record(action="team.create\nforged", changes={"name": "a\r\nb", "tags": ["x\ny"], "line\nbreak": 1})
    event.refresh_from_db()
    assert event.action == "team.create\\nforged"
    assert event.user_agent == "evil\\r\\nX-Injected: 1"
    assert event.changes == {"name": "a\\r\\nb", "tags": ["x\\ny"], "line\\nbreak": 1}


def test_an_unknown_outcome_is_refused(db):
    with pytest.raises(ValueError):
        record(outcome="maybe")


def test_records_older_than_the_retention_are_pruned_by_the_daily_task(db, settings):
    settings.AUDIT_RETENTION_DAYS = 30
    with clock.frozen(T0) as c:
        record(target_id="OLD")
        c.advance(days=10)
        kept = record(target_id="KEPT")
        c.advance(days=20, seconds=1)  # `old` is now 30 days and a second old, `kept` 20 days
        prune_audit_events()
    assert list(AuditEvent.objects.values_list("target_id", flat=True)) == [kept.target_id]
    with clock.frozen(T0 + timedelta(days=41)):
        prune_audit_events()
    assert not AuditEvent.objects.exists()


def test_audit_records_are_searchable_but_not_editable_in_the_admin(db):

    event = record(action="member.roles.update", target_id="MEMBER0001")
    client = console_as(User.objects.create_superuser(email="root@acme.test", password="x-long-password-1"))

    listing = client.get("/admin/core/auditevent/", {"q": "MEMBER0001", "outcome__exact": "success"})
    assert listing.status_code == 200 and "member.roles.update" in listing.content.decode()
    assert 'name="_save"' not in client.get(f"/admin/core/auditevent/{event.pk}/change/").content.decode()
    assert client.get("/admin/core/auditevent/add/").status_code == 403
    assert client.post(f"/admin/core/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
