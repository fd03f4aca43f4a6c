"""Rate limits per principal and per client IP over the whole API (apps/core/ratelimit.py).

The suite runs with limits off (tests/conftest.py); each test here sets its own. Each test sends from its own
random address and with fresh tokens, so counters left in a shared Redis by other tests or runs never count.
"""

import secrets
import threading
from datetime import datetime, timedelta

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from apps.core import clock
from apps.core.cache import namespaced_key
from apps.core.ratelimit import Rate, parse_rate
from tests.conftest import ApiClient

RATE_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")


def _ten_seconds_into_next_minute() -> datetime:
    # Soon after now, so the tokens the fixtures made are still valid.
    return clock.now().replace(second=0, microsecond=0) + timedelta(minutes=1, seconds=10)


def _random_address() -> str:
    return f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(256)}"


@pytest.fixture
def address() -> str:
    return _random_address()


def _from(client: ApiClient, address: str) -> ApiClient:
    client.client.defaults["REMOTE_ADDR"] = address
    return client


def test_every_api_response_carries_the_rate_limit_headers(settings, api, anon, address):
    settings.RATE_LIMIT_PER_PRINCIPAL, settings.RATE_LIMIT_PER_IP = "100/m", "1000/h"
    _from(api, address)
    _from(anon, address)

    responses = [
        api.get("/me"),
        api.post("/org/teams", {}),
        api.get("/no-such-endpoint"),
        anon.get("/me"),
    ]

    assert [r.status_code for r in responses] == [200, 400, 404, 401]
    for response in responses:
        assert all(response.has_header(name) for name in RATE_HEADERS), response.headers
    assert (responses[0]["RateLimit-Limit"], responses[0]["RateLimit-Remaining"]) == ("100", "99")
    # Without a credential only the address counts: its hour has seen four requests.
    assert (responses[3]["RateLimit-Limit"], responses[3]["RateLimit-Remaining"]) == ("1000", "996")


def test_a_burst_over_the_principal_limit_gets_429_until_the_window_ends(settings, api, address):
    settings.RATE_LIMIT_PER_PRINCIPAL, settings.RATE_LIMIT_PER_IP = "3/m", "1000/m"
    _from(api, address)
    with clock.frozen(_ten_seconds_into_next_minute()) as moment:
        remaining = [api.get("/me")["RateLimit-Remaining"] for _ in range(3)]

        refused = api.get("/me")

        assert remaining == ["2", "1", "0"]
        assert refused.status_code == 429
        assert refused.json()["code"] == "rate_limited"
        assert refused.json()["details"]["retryAfter"] == 50
        assert refused["Retry-After"] == "50"
        assert (refused["RateLimit-Remaining"], refused["RateLimit-Reset"]) == ("0", "50")

        moment.advance(seconds=49)
        assert api.get("/me").status_code == 429
        moment.advance(seconds=1)
        again = api.get("/me")

    assert again.status_code == 200
    assert again["RateLimit-Remaining"] == "2"


def test_each_credential_has_its_own_principal_limit(settings, api, api_as, bob, acme, address):
    settings.RATE_LIMIT_PER_PRINCIPAL, settings.RATE_LIMIT_PER_IP = "2/m", "1000/m"
    alice_api, bob_api = _from(api, address), _from(api_as(bob, acme), address)
    with clock.frozen(_ten_seconds_into_next_minute()):
        for _ in range(2):
            alice_api.get("/me")

        assert alice_api.get("/me").status_code == 429
        assert bob_api.get("/me").status_code == 200


def test_the_ip_limit_counts_every_caller_from_one_address(settings, api, api_as, bob, acme, anon, address):
    settings.RATE_LIMIT_PER_PRINCIPAL, settings.RATE_LIMIT_PER_IP = "1000/m", "3/m"
    with clock.frozen(_ten_seconds_into_next_minute()):
        _from(api, address).get("/me")
        _from(api_as(bob, acme), address).get("/me")
        _from(anon, address).get("/me")

        refused = _from(api, address).get("/me")
        elsewhere = _from(api_as(bob, acme), _random_address()).get("/me")

    assert refused.status_code == 429
    assert refused["RateLimit-Limit"] == "3"
    assert elsewhere.status_code == 200


def test_console_pages_are_not_rate_limited(settings, client, address):
    settings.RATE_LIMIT_PER_PRINCIPAL, settings.RATE_LIMIT_PER_IP = "1/m", "1/m"
    client.defaults["REMOTE_ADDR"] = address

    responses = [client.get("/login/") for _ in range(3)]

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert not responses[0].has_header("RateLimit-Limit")


def test_a_rate_is_a_number_per_second_minute_or_hour():
    assert parse_rate("1200/m") == Rate(limit=1200, period=60)
    assert parse_rate("5/s") == Rate(limit=5, period=1)
    assert parse_rate("100/h") == Rate(limit=100, period=3600)
    assert parse_rate("") is None
    with pytest.raises(ImproperlyConfigured):
        parse_rate("100 per minute")


def test_cache_keys_follow_the_database_the_test_runner_renamed(monkeypatch):
    here = namespaced_key("ratelimit:ip:10.0.0.1", "", 1)
    monkeypatch.setitem(django_settings.DATABASES["default"], "NAME", "test_other_gw1")  # as the runner renames it

    assert namespaced_key("ratelimit:ip:10.0.0.1", "", 1) != here


@pytest.mark.django_db(transaction=True)
def test_the_database_cache_loses_no_increment_when_workers_count_at_once(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "apps.core.cache.DatabaseCache",
            "LOCATION": "lakesail_cache",
            "KEY_FUNCTION": "apps.core.cache.namespaced_key",
        }
    }
    call_command("createcachetable")
    key = f"counter:{secrets.token_hex(4)}"
    caches["default"].add(key, 0, 60)
    threads, per_thread = 4, 10
    start = threading.Barrier(threads)

    def count() -> None:
        try:
            start.wait()
            for _ in range(per_thread):
                caches["default"].incr(key)
        finally:
            connection.close()

    workers = [threading.Thread(target=count) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert caches["default"].get(key) == threads * per_thread
