"""A secret shown once never appears in an audit record: the leak detector reads audit records too."""

import json

from apps.core.audit import AuditEvent
from tests.conftest import ApiClient
from tests.plugins import secret_leaks
from tests.plugins.secret_leaks import LeakDetector

KEY = "lsk_" + "k" * 43


def shown(secret: str) -> tuple[str, str, str, int, str]:
    return ("POST", "/api/v1/org/service-accounts/A/keys", "", 201, json.dumps({"secret": secret}))


def test_it_reports_a_secret_that_an_audit_record_holds():
    detector = LeakDetector()
    detector.feed([shown(KEY)])
    detector.feed_records([("the audit record api_key.create api_key:K", f"changes {KEY}")])
    [leak] = detector.check()
    assert leak.leaked_by == "the audit record api_key.create api_key:K"


def test_a_record_written_before_the_secret_was_shown_is_still_checked():
    detector = LeakDetector()
    detector.feed_records([("the audit record x", f"{KEY}")])
    assert detector.check() == []
    detector.feed([shown(KEY)])
    assert len(detector.check()) == 1


def test_secrets_shown_by_the_api_stay_out_of_the_records_it_writes(api, bob, acme):
    records_before, exchanges_before = len(secret_leaks._records), len(ApiClient.recorded)
    account = api.post("/org/service-accounts", {"username": "ci-bot"}).json()
    key = api.post(f"/org/service-accounts/{account['id']}/keys", {"name": "ci"})
    password = api.post(f"/org/users/{bob.pk}/password/reset")
    assert (key.status_code, password.status_code) == (201, 200)

    detector = LeakDetector()
    detector.feed(ApiClient.recorded[exchanges_before:])
    detector.feed_records(secret_leaks._records[records_before:])
    assert detector.check() == []
    captured = " ".join(text for _description, text in secret_leaks._records[records_before:])
    assert key.json()["id"] in captured and "user.password.reset_temporary" in captured  # the records were read
    assert AuditEvent.objects.filter(action="api_key.create", target_id=key.json()["id"]).exists()
