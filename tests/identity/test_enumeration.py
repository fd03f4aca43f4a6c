"""Unauthenticated paths answer a known account and an unknown one alike: status, body and work."""

import re

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher

from apps.identity.models import User
from tests.conftest import PASSWORD


class CountingHasher(MD5PasswordHasher):
    """MD5 that counts how many passwords it hashes: the slow step an attacker would time."""

    algorithm = "counting_md5"
    hashed = 0

    def encode(self, password: str, salt: str) -> str:
        CountingHasher.hashed += 1
        return super().encode(password, salt)


@pytest.fixture
def hashes(settings):
    settings.PASSWORD_HASHERS = ["tests.identity.test_enumeration.CountingHasher", *settings.PASSWORD_HASHERS]

    def count(call) -> int:
        before = CountingHasher.hashed
        call()
        return CountingHasher.hashed - before

    return count


def _without_email(body: dict) -> dict:
    return {k: v for k, v in body.items() if k != "email"}


def test_sign_up_with_a_known_address_answers_like_a_new_one_and_tells_the_owner(anon, alice, mailbox, hashes):
    answers = {}

    def sign_up(email: str) -> None:
        answers[email] = anon.post("/auth/signup", {"email": email, "password": "a long passphrase"})

    assert hashes(lambda: sign_up("alice@acme.test")) == hashes(lambda: sign_up("newcomer@acme.test")) == 1
    known, new = answers["alice@acme.test"], answers["newcomer@acme.test"]
    assert known.status_code == new.status_code == 202
    assert _without_email(known.json()) == _without_email(new.json())
    assert "someone tried to sign up" in mailbox.last_to("alice@acme.test")["Subject"]
    assert "verify" in mailbox.last_to("newcomer@acme.test")["Subject"]
    assert User.objects.filter(email="alice@acme.test").count() == 1
    assert alice.check_password(PASSWORD)  # nothing about the existing account changed


def test_sign_up_pages_say_the_same_for_a_known_address(client, alice, mailbox):
    body = {"password": "a long passphrase"}
    known = client.post("/signup/", {**body, "email": "alice@acme.test"}, follow=True).content.decode()
    new = client.post("/signup/", {**body, "email": "newcomer@acme.test"}, follow=True).content.decode()

    def shown(page: str, email: str) -> str:  # the page less the address and the CSRF token
        return re.sub(r'"csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"', "", page.replace(email, "X"))

    assert shown(known, "alice@acme.test") == shown(new, "newcomer@acme.test")
    assert "Check X: we sent it a link" in shown(known, "alice@acme.test")


def test_a_password_login_costs_one_hash_known_or_not(anon, db, hashes):
    from apps.identity.services.users import user_create

    user_create(email="dora@acme.test", password=PASSWORD)  # hashed by the counting hasher

    def login(email: str) -> None:
        assert anon.post("/auth/login", {"email": email, "password": "wrong-password-1"}).status_code == 401

    assert hashes(lambda: login("nobody@acme.test")) == hashes(lambda: login("dora@acme.test")) == 1


def _email_code_challenge(anon, email: str) -> str:
    return anon.post("/auth/login/email-code", {"email": email}).json()["challengeId"]


def test_resending_a_code_answers_alike_for_known_and_unknown_accounts(anon, alice, mailbox, clock):
    known, unknown = _email_code_challenge(anon, "alice@acme.test"), _email_code_challenge(anon, "nobody@acme.test")
    early = [anon.post("/auth/challenge/send-code", {"challengeId": c}) for c in (known, unknown)]
    assert [r.status_code for r in early] == [429, 429]
    assert early[0].json()["code"] == early[1].json()["code"] == "code_recently_sent"
    assert early[0].json()["details"]["retryAfter"] == early[1].json()["details"]["retryAfter"]
    clock.advance(seconds=61)
    assert [anon.post("/auth/challenge/send-code", {"challengeId": c}).status_code for c in (known, unknown)] == [
        204,
        204,
    ]
    assert not [m for m in mailbox.messages if "nobody@acme.test" in m["To"]]


def test_wrong_codes_answer_alike_until_the_challenge_ends(anon, alice, clock):
    known, unknown = _email_code_challenge(anon, "alice@acme.test"), _email_code_challenge(anon, "nobody@acme.test")
    for _ in range(5):
        answers = [
            anon.post("/auth/challenge/verify", {"challengeId": c, "method": "email_code", "code": "000000"})
            for c in (known, unknown)
        ]
        assert [(r.status_code, r.json()["code"]) for r in answers] == [(401, "invalid_code")] * 2
        assert answers[0].json()["message"] == answers[1].json()["message"]
    ended = [
        anon.post("/auth/challenge/verify", {"challengeId": c, "method": "email_code", "code": "000000"})
        for c in (known, unknown)
    ]
    assert [(r.status_code, r.json()["code"]) for r in ended] == [(401, "challenge_invalid")] * 2


def test_an_unknown_accounts_code_never_works(anon, alice, mailbox, clock):
    """A decoy challenge stores a code like a real one, but it is sent nowhere and matches nothing."""
    real = _email_code_challenge(anon, "alice@acme.test")
    code = re.search(r"\b(\d{6})\b", mailbox.body(mailbox.last_to("alice@acme.test"))).group(1)
    decoy = _email_code_challenge(anon, "nobody@acme.test")
    refused = anon.post("/auth/challenge/verify", {"challengeId": decoy, "method": "email_code", "code": code})
    assert refused.status_code == 401 and refused.json()["code"] == "invalid_code"
    assert anon.post("/auth/challenge/verify", {"challengeId": real, "method": "email_code", "code": code}).json()[
        "token"
    ]


def test_send_code_is_throttled_per_address_and_account(anon, alice, clock, settings):
    settings.AUTH_IP_ACCOUNT_ATTEMPTS_PER_MINUTE = 3
    challenge = _email_code_challenge(anon, "alice@acme.test")  # the first request of the minute's budget
    codes = [anon.post("/auth/challenge/send-code", {"challengeId": challenge}).json()["code"] for _ in range(3)]
    assert codes == ["code_recently_sent", "code_recently_sent", "too_many_attempts"]


def test_forgot_password_and_verification_resend_answer_202_either_way(anon, alice, mailbox):
    for path in ("/auth/password/forgot", "/auth/email/resend"):
        answers = [anon.post(path, {"email": e}) for e in ("alice@acme.test", "nobody@acme.test")]
        assert [r.status_code for r in answers] == [202, 202]
        assert answers[0].content == answers[1].content
    assert [m["To"] for m in mailbox.messages] == ["alice@acme.test", "alice@acme.test"]
