"""Flows that send email, through the real SMTP sink: sign-up + verification, email code login, password reset."""

import re
from urllib.parse import parse_qs, urlparse

from apps.identity.models import Login, User
from tests.conftest import PASSWORD


def token_from(link: str) -> str:
    return parse_qs(urlparse(link).query)["token"][0]


def code_from(mailbox, address: str) -> str:
    return re.search(r"\b(\d{6})\b", mailbox.body(mailbox.last_to(address))).group(1)


def test_sign_up_creates_an_owner_and_emails_a_verification_link(anon, mailbox, db, settings):
    settings.CONSOLE_BASE_URL = "https://console.example"
    response = anon.post(
        "/auth/signup",
        {
            "email": "Dana@Initech.test",
            "password": "a long passphrase",
            "givenName": "Dana",
            "organizationName": "Initech",
        },
    )
    assert response.status_code == 202 and response.json() == {"email": "dana@initech.test"}
    link = mailbox.first_link("dana@initech.test")
    assert link.startswith("https://console.example/verify-email/?token=")
    verified = anon.post("/auth/email/verify", {"token": token_from(link)})
    assert verified.status_code == 200 and verified.json()["verifiedAt"]
    assert User.objects.get(email="dana@initech.test").email_verified_at is not None
    login = anon.post("/auth/login", {"email": "dana@initech.test", "password": "a long passphrase"})
    assert [o["name"] for o in login.json()["organizations"]] == ["Initech"]


def test_sign_up_refuses_weak_passwords_and_bad_addresses(anon, alice, mailbox):
    weak = anon.post("/auth/signup", {"email": "eve@acme.test", "password": "password"})
    assert weak.status_code == 400 and "password" in weak.json()["details"]["fieldErrors"]
    # A known address is refused the same way: the password is checked before anything is looked up.
    known = anon.post("/auth/signup", {"email": "alice@acme.test", "password": "password"})
    assert known.status_code == 400 and known.json()["message"] == weak.json()["message"]
    assert anon.post("/auth/signup", {"email": "not-an-email", "password": "a long passphrase"}).status_code == 400
    assert anon.post("/auth/email/verify", {"token": "forged"}).status_code == 400
    assert mailbox.messages == []


def test_email_code_login_sends_a_six_digit_code_that_works_once(anon, alice, mailbox, clock):
    start = anon.post("/auth/login/email-code", {"email": "alice@acme.test"})
    assert start.status_code == 200 and start.json()["methods"] == ["email_code"]
    challenge = start.json()["challengeId"]
    code = code_from(mailbox, "alice@acme.test")
    body = {"challengeId": challenge, "method": "email_code", "code": code}
    assert anon.post("/auth/challenge/verify", body).json()["token"].startswith("lst_")
    assert anon.post("/auth/challenge/verify", body).status_code == 401


def test_an_email_code_is_bound_to_its_attempt_and_expires_in_10_minutes(anon, alice, mailbox, clock):
    first = anon.post("/auth/login/email-code", {"email": "alice@acme.test"}).json()["challengeId"]
    code = code_from(mailbox, "alice@acme.test")
    second = anon.post("/auth/login/email-code", {"email": "alice@acme.test"}).json()["challengeId"]
    other = anon.post("/auth/challenge/verify", {"challengeId": second, "method": "email_code", "code": code})
    assert other.status_code == 401 or code == code_from(mailbox, "alice@acme.test")
    clock.advance(minutes=10, seconds=1)
    late = anon.post("/auth/challenge/verify", {"challengeId": first, "method": "email_code", "code": code})
    assert late.status_code == 401


def test_resending_a_code_waits_60_seconds(anon, alice, mailbox, clock):
    challenge = anon.post("/auth/login/email-code", {"email": "alice@acme.test"}).json()["challengeId"]
    early = anon.post("/auth/challenge/send-code", {"challengeId": challenge})
    assert early.status_code == 429 and early.json()["details"]["retryAfter"] <= 60
    clock.advance(seconds=61)
    assert anon.post("/auth/challenge/send-code", {"challengeId": challenge}).status_code == 204
    assert len([m for m in mailbox.messages if "alice@acme.test" in m["To"]]) == 2


def test_unknown_accounts_get_the_same_answer_and_no_email(anon, alice, mailbox):
    response = anon.post("/auth/login/email-code", {"email": "nobody@acme.test"})
    assert response.status_code == 200 and set(response.json()) == {
        "outcome",
        "challengeId",
        "mfaRequired",
        "passwordChangeRequired",
        "methods",
        "expiresAt",
    }
    assert mailbox.messages == []
    assert anon.post("/auth/login/email-code", {"email": "nope"}).status_code == 400


def test_email_code_then_mfa_does_not_offer_a_second_email_code(anon, api, alice, alice_totp, mailbox, clock):
    challenge = anon.post("/auth/login/email-code", {"email": "alice@acme.test"}).json()["challengeId"]
    body = {"challengeId": challenge, "method": "email_code", "code": code_from(mailbox, "alice@acme.test")}
    step = anon.post("/auth/challenge/verify", body).json()
    assert step["mfaRequired"] is True and step["methods"] == ["totp", "recovery_code"]


def test_forgot_password_emails_a_single_use_reset_link_that_ends_every_login(anon, api, alice, mailbox):
    assert anon.post("/auth/password/forgot", {"email": "alice@acme.test"}).status_code == 202
    assert anon.post("/auth/password/forgot", {"email": "nobody@acme.test"}).status_code == 202
    assert len(mailbox.messages) == 1
    token = token_from(mailbox.first_link("alice@acme.test"))
    weak = anon.post("/auth/password/reset", {"token": token, "newPassword": "alice123456"})
    assert weak.status_code == 400 and "newPassword" in weak.json()["details"]["fieldErrors"]
    assert anon.post("/auth/password/reset", {"token": token, "newPassword": "new battery horse"}).status_code == 204
    assert anon.post("/auth/password/reset", {"token": token, "newPassword": "other battery horse"}).status_code == 400
    assert api.get("/me").status_code == 401
    assert not Login.objects.filter(user=alice, revoked_at__isnull=True).exists()
    assert anon.post("/auth/login", {"email": "alice@acme.test", "password": PASSWORD}).status_code == 401
    assert anon.post("/auth/login", {"email": "alice@acme.test", "password": "new battery horse"}).status_code == 200
