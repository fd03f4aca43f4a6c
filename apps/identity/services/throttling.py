"""Brute-force limits shared by every login step (passwords, TOTP, email codes, recovery codes).

Counters live in the database, so they hold across gunicorn workers. Each update commits on
its own: a failed attempt is counted even though the request then raises.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction

from apps.core import clock
from apps.core.errors import RateLimited
from apps.identity.models import AuthCounter

TOO_MANY = "Too many attempts. Try again later."


def _account_key(account: str) -> str:
    return f"account:{account.strip().lower()}"


def _seconds_until(moment) -> int:
    return max(1, int((moment - clock.now()).total_seconds() + 0.999))


def _bump(key: str, window: timedelta) -> AuthCounter:
    now = clock.now()
    with transaction.atomic():
        counter, _ = AuthCounter.objects.select_for_update().get_or_create(
            key=key, defaults={"window_ends_at": now + window}
        )
        if counter.window_ends_at <= now:
            counter.count = 0
            counter.window_ends_at = now + window
        counter.count += 1
        counter.save()
    return counter


def attempt_check(*, account: str, remote_ip: str | None) -> None:
    """Refuse an attempt (before any secret is checked) when the account is locked or the IP is over its limits."""
    now = clock.now()
    lock = AuthCounter.objects.filter(key=_account_key(account), locked_until__gt=now).first()
    if lock is not None:
        raise RateLimited(TOO_MANY, code="too_many_attempts", retry_after=_seconds_until(lock.locked_until))
    if not remote_ip:
        return
    daily = AuthCounter.objects.filter(key=f"ip-failures:{remote_ip}", window_ends_at__gt=now).first()
    if daily is not None and daily.count >= settings.AUTH_IP_FAILURES_PER_DAY:
        raise RateLimited(TOO_MANY, code="too_many_attempts", retry_after=_seconds_until(daily.window_ends_at))
    per_minute = _bump(f"ip-account:{remote_ip}:{account.strip().lower()}", timedelta(minutes=1))
    if per_minute.count > settings.AUTH_IP_ACCOUNT_ATTEMPTS_PER_MINUTE:
        raise RateLimited(TOO_MANY, code="too_many_attempts", retry_after=_seconds_until(per_minute.window_ends_at))


def attempt_failed(*, account: str, remote_ip: str | None) -> None:
    """Count a failure; the Nth consecutive one locks the account (known or not: same behaviour)."""
    counter = _bump(_account_key(account), timedelta(days=1))
    if counter.count >= settings.AUTH_LOCKOUT_FAILURES:
        AuthCounter.objects.filter(pk=counter.pk).update(
            count=0, locked_until=clock.now() + timedelta(seconds=settings.AUTH_LOCKOUT_SECONDS)
        )
    if remote_ip:
        _bump(f"ip-failures:{remote_ip}", timedelta(days=1))


def attempt_succeeded(*, account: str) -> None:
    AuthCounter.objects.filter(key=_account_key(account)).delete()
