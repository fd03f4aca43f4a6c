"""Every sign-in event leaves an audit record, with the request it came from (through the real API)."""

import pyotp
import pytest
from django.conf import settings

from apps.core import clock
from apps.core.audit import AuditEvent
from apps.core.crypto import hash_secret
from apps.identity.models import ApiKey, ServiceAccount
from apps.identity.services.logins import login_create
from apps.identity.services.mfa import totp_enroll_confirm, totp_enroll_start
from tests.conftest import PASSWORD, ApiClient

UA = {"User-Agent": "audit-test/1.0"}


def log(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("created_at", "id"))


def sign_in(anon: ApiClient, email: str, password: str = PASSWORD):
    return anon.post("/auth/login", {"email": email, "password": password}, headers=UA)


@pytest.fixture
def frozen():
    with clock.frozen() as c:
        yield c


@pytest.fixture
def alice_totp(alice, frozen) -> str:
    login, _token = login_create(user=alice)
    secret = totp_enroll_start(user=alice, credential=login).secret
    totp_enroll_confirm(user=alice, credential=login, code=pyotp.TOTP(secret).at(clock.now()))
    frozen.advance(seconds=30)  # the enrollment code's step is spent
    return secret


def test_a_sign_in_is_recorded_as_the_person_from_the_request_they_made(anon, alice, acme):
    response = sign_in(anon, alice.email)

    assert response.status_code == 200
    [event] = log("auth.login.succeeded")
    assert (event.actor_type, event.actor_id, event.organization_id) == ("user", alice.pk, acme.pk)
    assert (event.target_type, event.target_id, event.outcome) == ("user", alice.pk, "success")
    assert (event.ip, event.user_agent, event.request_id) == ("127.0.0.1", "audit-test/1.0", response["X-Request-Id"])
    assert event.changes["loginId"] == response.json()["loginId"]


def test_a_refused_password_is_recorded_on_the_account_and_an_unknown_email_on_no_organization(anon, alice, acme):
    assert sign_in(anon, alice.email, "wrong-password").status_code == 401
    assert sign_in(anon, "nobody@acme.test", "wrong-password").status_code == 401

    known, unknown = log("auth.login.failed")
    assert (known.actor_type, known.outcome, known.organization_id, known.target_id) == (
        "anonymous",
        "failure",
        acme.pk,
        alice.pk,
    )
    assert known.changes == {"email": alice.email, "method": "password"}
    assert (unknown.organization_id, unknown.target_id, unknown.changes["email"]) == (None, "", "nobody@acme.test")
    assert "wrong-password" not in str(known.changes) + str(unknown.changes)


def test_the_failure_that_locks_an_account_is_recorded_as_a_lockout_once(anon, alice, acme):
    for _ in range(settings.AUTH_LOCKOUT_FAILURES):
        sign_in(anon, alice.email, "wrong-password")
    assert sign_in(anon, alice.email).status_code == 429

    [lockout] = log("auth.lockout")
    assert (lockout.organization_id, lockout.target_id, lockout.outcome) == (acme.pk, alice.pk, "failure")
    assert len(log("auth.login.failed")) == settings.AUTH_LOCKOUT_FAILURES
    assert log("auth.login.succeeded") == []


def test_mfa_codes_are_recorded_wrong_and_right(anon, alice, alice_totp):
    challenge = sign_in(anon, alice.email).json()["challengeId"]

    wrong = anon.post("/auth/challenge/verify", {"challengeId": challenge, "method": "totp", "code": "000000"})
    right = anon.post(
        "/auth/challenge/verify",
        {"challengeId": challenge, "method": "totp", "code": pyotp.TOTP(alice_totp).at(clock.now())},
    )

    assert (wrong.status_code, right.status_code) == (401, 200)
    [failed] = log("auth.mfa.failed")
    [passed] = log("auth.mfa.succeeded")
    assert (failed.outcome, failed.actor_type, failed.changes["method"]) == ("failure", "anonymous", "totp")
    assert (passed.outcome, passed.actor_type, passed.actor_id) == ("success", "user", alice.pk)
    assert log("auth.login.succeeded")[-1].request_id == right["X-Request-Id"]


def test_an_api_keys_first_use_is_recorded_once_as_the_service_account(acme):
    secret = "lsk_" + "k" * 43
    account = ServiceAccount.objects.create(organization=acme, username="audit-bot")
    key = ApiKey.objects.create(service_account=account, prefix=secret[:12], key_hash=hash_secret(secret))
    caller = ApiClient(secret, acme.pk)

    assert caller.get("/operations/UNKNOWN001").status_code in (403, 404)
    caller.get("/operations/UNKNOWN001")

    [first_use] = log("auth.api_key.first_use")
    assert (first_use.actor_type, first_use.actor_id) == ("service_account", account.pk)
    assert (first_use.organization_id, first_use.target_type, first_use.target_id) == (acme.pk, "api_key", key.pk)
