"""Brute-force limits shared by every sign-in step (passwords, TOTP, email and recovery codes).

Three keys, all in the database (`AuthCounter`) so every worker shares them:

- `account:<email>`: consecutive failures; the Nth locks the account for a while (known or unknown email alike).
  An attempt is *reserved* here before its secret is checked, in one locked row update, so concurrent guesses
  cannot all read "not locked yet" and then all be checked: at most N secrets are ever checked per lockout.
- `ip-account:<ip>:<email>`: attempts one client makes on one account, a sliding minute.
- `ip-failures:<ip>`: failures one client makes on any account, a sliding minute. It slows a client spraying
  many accounts (a short `retryAfter`), and never blocks one address for long: behind a shared address the real
  owner of an account waits seconds, not a day.

Sliding limits use GCRA: the row keeps a "theoretical arrival time" in `window_ends_at`; each event pushes it
`period / limit` later, and an event that would push it more than `period` ahead is refused with the wait.
Each update commits on its own: a failed attempt stays counted although the request then raises.
"""

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F

from apps.core import audit, clock
from apps.core.errors import RateLimited
from apps.identity import account_audit
from apps.identity.models import AuthCounter, User

TOO_MANY = "Too many attempts. Try again later."
MINUTE = timedelta(minutes=1)
# A run of failures older than this is forgotten, whether or not it locked the account.
FAILURE_MEMORY = timedelta(days=1)
DEFAULT_IP_FAILURES_PER_MINUTE = 30


def _account_key(account: str) -> str:
    return f"account:{account.strip().lower()}"


def _seconds_until(moment: datetime) -> int:
    return max(1, math.ceil((moment - clock.now()).total_seconds()))


def _refuse(retry_after: int) -> RateLimited:
    return RateLimited(TOO_MANY, code="too_many_attempts", retry_after=retry_after)


def _ip_failures_per_minute() -> int:
    return int(getattr(settings, "AUTH_IP_FAILURES_PER_MINUTE", DEFAULT_IP_FAILURES_PER_MINUTE))


def _slide(key: str, limit: int, *, take: bool, force: bool = False) -> int | None:
    """One event against `limit` per sliding minute: the seconds to wait when it does not fit, else None.

    `take` counts the event when it fits; `force` counts it even when it does not (a failure that happened).
    """
    now = clock.now()
    interval = MINUTE / limit
    with transaction.atomic():
        counter = AuthCounter.objects.select_for_update().filter(key=key).first()
        arrival = max(counter.window_ends_at, now) if counter else now
        pushed = arrival + interval
        wait = pushed - now - MINUTE
        fits = wait <= timedelta(0)
        if take and (fits or force):
            AuthCounter.objects.update_or_create(key=key, defaults={"window_ends_at": pushed})
    return None if fits else max(1, math.ceil(wait.total_seconds()))


def _client_limits(account: str, remote_ip: str | None) -> None:
    if not remote_ip:
        return
    wait = _slide(f"ip-failures:{remote_ip}", _ip_failures_per_minute(), take=False)
    if wait is None:
        per_account = f"ip-account:{remote_ip}:{account.strip().lower()}"
        wait = _slide(per_account, settings.AUTH_IP_ACCOUNT_ATTEMPTS_PER_MINUTE, take=True)
    if wait is not None:
        raise _refuse(wait)


def lock_check(*, account: str) -> None:
    """Refuse when the account is locked."""
    lock = AuthCounter.objects.filter(key=_account_key(account), locked_until__gt=clock.now()).first()
    if lock is not None:
        raise _refuse(_seconds_until(lock.locked_until))


def request_check(*, account: str, remote_ip: str | None) -> None:
    """A sign-in request that checks no secret (send a code, a reset link): the client's limits only."""
    _client_limits(account, remote_ip)


def attempt_begin(*, account: str, remote_ip: str | None) -> None:
    """Before a secret is checked: refuse when the account is locked or the client is over its limits, else
    reserve the attempt. A reserved attempt counts as a failure until `attempt_passed` or `attempt_succeeded`."""
    _client_limits(account, remote_ip)
    now = clock.now()
    key = _account_key(account)
    with transaction.atomic():
        counter, _ = AuthCounter.objects.select_for_update().get_or_create(
            key=key, defaults={"window_ends_at": now + FAILURE_MEMORY}
        )
        if counter.locked_until is not None and counter.locked_until > now:
            raise _refuse(_seconds_until(counter.locked_until))
        if counter.window_ends_at <= now:
            counter.count = 0
        if counter.count >= settings.AUTH_LOCKOUT_FAILURES:
            # The remaining attempts are reserved by checks still running: they will lock or release it.
            raise _refuse(1)
        counter.count += 1
        counter.window_ends_at = now + FAILURE_MEMORY
        counter.locked_until = None
        counter.save()


def attempt_failed(*, account: str, remote_ip: str | None) -> None:
    """The reserved attempt failed: it stays counted; the Nth locks the account. The client's failure counts too."""
    now = clock.now()
    locked_until = now + timedelta(seconds=settings.AUTH_LOCKOUT_SECONDS)
    if AuthCounter.objects.filter(key=_account_key(account), count__gte=settings.AUTH_LOCKOUT_FAILURES).update(
        count=0, locked_until=locked_until
    ):
        account_audit.record(
            "auth.lockout",
            user=User.objects.filter(email=account.strip().lower()).first(),
            changes={"email": account, "lockedUntil": locked_until},
            outcome=audit.FAILURE,
        )
    if remote_ip:
        _slide(f"ip-failures:{remote_ip}", _ip_failures_per_minute(), take=True, force=True)


def attempt_passed(*, account: str) -> None:
    """The reserved attempt passed but signing in goes on (MFA, a new password): give the reservation back.

    Failures before it stay counted: a known password alone must not buy a fresh budget of MFA guesses.
    """
    AuthCounter.objects.filter(key=_account_key(account), count__gt=0).update(count=F("count") - 1)


def attempt_succeeded(*, account: str) -> None:
    """Every factor passed (a login opened) or a signed-in person proved themselves again: forget the failures."""
    AuthCounter.objects.filter(key=_account_key(account)).delete()
