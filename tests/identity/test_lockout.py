"""Brute-force defaults: 10 consecutive failures lock the account for 15 minutes, per-IP limits."""

from apps.identity.models import AuthCounter
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


def test_one_ip_gets_a_daily_failure_budget_across_accounts(anon, alice, clock, settings):
    assert settings.AUTH_IP_FAILURES_PER_DAY == 100
    settings.AUTH_IP_FAILURES_PER_DAY = 5  # the same rule, fewer slow password checks
    for i in range(5):
        clock.advance(seconds=1)
        login(anon, email=f"user{i}@acme.test", password="wrong-password-1")
    assert login(anon).status_code == 429
    clock.advance(days=1)
    assert login(anon).status_code == 200


def test_counters_live_in_the_database(anon, alice, clock):
    login(anon, password="wrong-password-1")
    assert AuthCounter.objects.get(key="account:alice@acme.test").count == 1
