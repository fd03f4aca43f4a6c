"""Brute-force defaults: 10 consecutive failures lock the account for 15 minutes, per-IP limits."""

import threading

import pytest
from django.conf import settings as django_settings
from django.db import connection

from apps.core.errors import RateLimited, Unauthenticated
from apps.identity.models import AuthCounter
from apps.identity.services import authentication
from apps.identity.services.authentication import Client
from tests.conftest import PASSWORD


def login(anon, email="alice@acme.test", password=PASSWORD):
    return anon.post("/auth/login", {"email": email, "password": password})


def test_the_eleventh_attempt_is_refused_even_with_the_right_password_until_15_minutes_pass(anon, alice, clock):
    for _ in range(10):
        assert login(anon, password="wrong-password-1").status_code == 401
    refused = login(anon)
    assert refused.status_code == 429
    assert refused.json()["code"] == "too_many_attempts"
    assert 0 < refused.json()["details"]["retryAfter"] <= 15 * 60
    clock.advance(minutes=14, seconds=59)
    assert login(anon).status_code == 429
    clock.advance(seconds=2)
    assert login(anon).status_code == 200


def test_a_success_resets_the_consecutive_failure_count(anon, alice, clock):
    for _ in range(9):
        login(anon, password="wrong-password-1")
    assert login(anon).status_code == 200
    for _ in range(9):
        assert login(anon, password="wrong-password-1").status_code == 401
    assert login(anon).status_code == 200


def test_unknown_accounts_get_the_same_error_and_lock_the_same_way(anon, alice, clock):
    answers = [login(anon, email="nobody@acme.test", password="wrong-password-1") for _ in range(11)]
    known = [login(anon, password="wrong-password-1") for _ in range(11)]
    assert [r.status_code for r in answers] == [r.status_code for r in known] == [401] * 10 + [429]
    assert answers[0].json()["message"] == known[0].json()["message"]


def test_one_ip_may_try_an_account_20_times_a_minute(anon, alice, clock, settings):
    settings.AUTH_LOCKOUT_FAILURES = 1000  # isolate the per-IP limit from the account lockout
    for _ in range(20):
        assert login(anon, password="wrong-password-1").status_code == 401
    assert login(anon).status_code == 429
    clock.advance(seconds=61)
    assert login(anon).status_code == 200


def test_one_address_spraying_many_accounts_is_slowed_for_seconds_not_locked_out_for_a_day(anon, alice, clock):
    """54 failures for made-up emails from one address used to lock the real owner out for ~24 h."""
    answers = [login(anon, email=f"nobody{i}@acme.test", password="wrong-password-1") for i in range(54)]
    statuses = [r.status_code for r in answers]
    assert 429 in statuses  # the address is slowed down ...
    waits = [r.json()["details"]["retryAfter"] for r in answers if r.status_code == 429]
    assert max(waits) <= 60  # ... for seconds
    refused = login(anon)
    assert refused.status_code == 429 and refused.json()["details"]["retryAfter"] <= 60
    clock.advance(seconds=refused.json()["details"]["retryAfter"])
    assert login(anon).status_code == 200


def test_the_per_address_failure_limit_is_a_sliding_minute(anon, alice, clock, settings):
    settings.AUTH_IP_FAILURES_PER_MINUTE = 6  # one failure every 10 s, a burst of 6
    for i in range(6):
        assert login(anon, email=f"user{i}@acme.test", password="wrong-password-1").status_code == 401
    refused = login(anon)
    assert refused.status_code == 429 and refused.json()["details"]["retryAfter"] == 10
    clock.advance(seconds=10)
    assert login(anon).status_code == 200


def test_an_account_locked_from_one_address_is_locked_from_every_address(alice, clock):
    def attempt(password: str, address: str) -> None:
        client = Client(remote_ip=address)
        authentication.password_login(email="alice@acme.test", password=password, client=client)

    for _ in range(10):
        with pytest.raises(Unauthenticated):
            attempt("wrong-password-1", "198.51.100.7")
    with pytest.raises(RateLimited):
        attempt(PASSWORD, "203.0.113.9")


def test_counters_live_in_the_database(anon, alice, clock):
    login(anon, password="wrong-password-1")
    assert AuthCounter.objects.get(key="account:alice@acme.test").count == 1


@pytest.mark.skipif(
    django_settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="needs concurrent writers: SQLite serializes them (run with DATABASE_URL=postgres://...)",
)
@pytest.mark.django_db(transaction=True)
def test_thirty_concurrent_wrong_passwords_check_at_most_the_lockout_threshold(settings):
    """Each attempt is reserved before its (slow) hash: concurrency cannot buy more guesses than the threshold."""
    from apps.identity.services.users import user_create

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]  # the slow hash of production
    settings.AUTH_IP_ACCOUNT_ATTEMPTS_PER_MINUTE = 1000
    user_create(email="dora@acme.test", password=PASSWORD)
    start = threading.Barrier(30)
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            start.wait()
            authentication.password_login(email="dora@acme.test", password="wrong-password-1", client=Client())
        except Unauthenticated:
            outcomes.append("checked")
        except RateLimited:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 30
    assert outcomes.count("checked") <= settings.AUTH_LOCKOUT_FAILURES == 10
    with pytest.raises(RateLimited):  # and the account is locked, the right password included
        authentication.password_login(email="dora@acme.test", password=PASSWORD, client=Client())
