"""Rate limits over the whole API, per principal and per client IP, counted in the shared cache.

`RATE_LIMIT_PER_PRINCIPAL` and `RATE_LIMIT_PER_IP` are `N/s`, `N/m` or `N/h` (empty: no limit of that kind).
Windows are fixed and aligned on `clock.now()` (a limit of 600/m allows 600 requests in each clock minute), so
a counter is one cache key that every worker increments. Every API response says where its caller stands
(`RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`: the tighter of the two limits); a request over a
limit is refused with 429, `Retry-After` and the error object, before any other work.

The sign-in brute-force limits (`apps.identity.services.throttling`) are separate and stricter.
"""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache as memoize
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

from apps.core import clock
from apps.core.api.exceptions import api_error_response
from apps.core.caller import principal_key
from apps.core.client_ip import client_ip
from apps.core.errors import RateLimited

API_PREFIX = "/api/"
PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*([smh])\s*$")


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds


@memoize
def parse_rate(value: str | None) -> Rate | None:
    """`"1200/m"` → `Rate(1200, 60)`; an empty value means no limit."""
    if not value:
        return None
    match = _RATE.match(value)
    if match is None:
        raise ImproperlyConfigured(f"A rate limit is written 'N/s', 'N/m' or 'N/h', not {value!r}.")
    return Rate(int(match[1]), PERIOD_SECONDS[match[2]])


@dataclass(frozen=True)
class Usage:
    limit: int
    count: int  # requests in the current window, this one included
    reset: int  # seconds until the window ends

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.count)


def _window(rate: Rate) -> tuple[int, int]:
    """The current window's number and the seconds until it ends."""
    now = clock.now().timestamp()
    window = int(now // rate.period)
    return window, max(1, math.ceil((window + 1) * rate.period - now))


def _redis() -> Any:
    """The Redis client behind the cache, when the cache is Redis (None for the database cache)."""
    default = caches["default"]
    return _client_of(default._cache) if isinstance(default, RedisCache) else None  # type: ignore[attr-defined]


@memoize
def _client_of(backend: Any) -> Any:
    # Django's cache builds a new client (and its table of 170 reply parsers) on every call; the pool is the same.
    return backend.get_client(write=True)


def _increment(keys: list[tuple[str, int]]) -> list[int]:
    """Add one to each `(key, ttl)` counter and return the new counts."""
    client = _redis()
    if client is not None:
        # One round trip for every counter: INCR creates a missing key at 1; the expiry only clears old windows away.
        pipe = client.pipeline(transaction=False)
        for key, ttl in keys:
            stored = cache.make_and_validate_key(key)
            pipe.incr(stored)
            pipe.expire(stored, ttl, nx=True)
        return pipe.execute()[::2]
    counts = []
    for key, ttl in keys:
        try:
            counts.append(cache.incr(key))
        except ValueError:  # the window's first request (or a racing one: add lets only one start the count)
            counts.append(1 if cache.add(key, 1, ttl) else cache.incr(key))
    return counts


def usages(request: HttpRequest) -> list[Usage]:
    """Count this request against each limit that applies to it, in the current windows."""
    wanted = []
    for scope, ident, setting in (
        ("principal", principal_key(request), settings.RATE_LIMIT_PER_PRINCIPAL),
        ("ip", client_ip(request), settings.RATE_LIMIT_PER_IP),
    ):
        rate = parse_rate(setting)
        if rate is not None and ident:
            window, reset = _window(rate)
            wanted.append((f"ratelimit:{scope}:{ident}:{rate.period}:{window}", rate, reset))
    # Which window counts is decided by the clock, not by expiry.
    counts = _increment([(key, rate.period + 1) for key, rate, _reset in wanted])
    return [
        Usage(limit=rate.limit, count=count, reset=reset)
        for (_key, rate, reset), count in zip(wanted, counts, strict=True)
    ]


class RateLimitMiddleware:
    """First after the request id: a refused request costs no session, authentication or view work."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        counted = usages(request)
        exceeded = [usage for usage in counted if usage.exceeded]
        response: HttpResponse
        shown: Usage | None
        if exceeded:
            shown = max(exceeded, key=lambda usage: usage.reset)
            response = api_error_response(
                request, RateLimited(f"Too many requests: try again in {shown.reset} s.", retry_after=shown.reset)
            )
        else:
            response = self.get_response(request)
            shown = min(counted, key=lambda usage: (usage.remaining, -usage.reset)) if counted else None
        if shown is not None:
            response["RateLimit-Limit"] = str(shown.limit)
            response["RateLimit-Remaining"] = str(shown.remaining)
            response["RateLimit-Reset"] = str(shown.reset)
        return response
