"""Login tokens and API keys: opaque secrets handed out once, stored as SHA-256, checked every request."""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from apps.core import audit, clock
from apps.core.actor import SERVICE_ACCOUNT, Actor
from apps.core.compiled import CompiledQuery
from apps.core.crypto import hash_secret
from apps.identity import account_audit
from apps.identity.models import ApiKey, Login, User

LOGIN_TOKEN_PREFIX = "lst_"
API_KEY_PREFIX = "lsk_"
# Writing last_used_at on every request would turn each read into a write; a minute is precise enough.
TOUCH_INTERVAL = timedelta(seconds=60)


def login_create(
    *, user: User, remote_ip: str | None = None, user_agent: str = "", device_id: str = ""
) -> tuple[Login, str]:
    """A new login for a user who just proved who they are. The token is returned only here."""
    token = LOGIN_TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    login = Login.objects.create(
        user=user,
        token_hash=hash_secret(token),
        device_id=device_id[:64],
        remote_ip=remote_ip or None,
        user_agent=user_agent[:512],
        auth_time=now,
        last_used_at=now,
        expires_at=now + timedelta(seconds=settings.LOGIN_TOKEN_ABSOLUTE_SECONDS),
        created_by=user.pk,
    )
    # Every way of signing in ends here, so this is the one record of a successful sign-in.
    account_audit.record(
        "auth.login.succeeded",
        user=user,
        changes={"loginId": login.pk, "deviceId": login.device_id},
        actor=account_audit.as_user(user),
    )
    return login, token


def login_is_active(login: Login, now: datetime | None = None) -> bool:
    now = now or clock.now()
    idle_deadline = login.last_used_at + timedelta(seconds=settings.LOGIN_TOKEN_IDLE_SECONDS)
    return login.revoked_at is None and now < login.expires_at and now < idle_deadline and login.user.is_active


# Every API request runs one of these: compiled once, they cost a fraction of building the query each time.
_LOGIN_BY_HASH = CompiledQuery(
    lambda *, token_hash: Login.objects.select_related("user").filter(token_hash=token_hash)[:1], "token_hash"
)
_API_KEY_BY_HASH = CompiledQuery(
    lambda *, key_hash: ApiKey.objects.select_related("service_account__organization").filter(key_hash=key_hash)[:1],
    "key_hash",
)


_CONSOLE_LOGIN = CompiledQuery(
    lambda *, login_id, user_id: Login.objects.select_related("user").filter(pk=login_id, user_id=user_id)[:1],
    "login_id",
    "user_id",
)


def console_login(*, login_id: str, user_id: str) -> Login | None:
    """The login a console session is bound to, with its user, if it is that user's (active or not: the caller
    touches it once Django has checked the session against the user)."""
    found = _CONSOLE_LOGIN.objects(login_id=str(login_id), user_id=str(user_id))
    return found[0] if found else None  # type: ignore[return-value]


def login_authenticate(token: str) -> Login | None:
    """The active login a token belongs to, refreshing its idle clock; None when unknown or ended."""
    found = _LOGIN_BY_HASH.objects(token_hash=hash_secret(token))
    return login_touch(found[0]) if found else None  # type: ignore[arg-type]


def login_touch(login: Login) -> Login | None:
    now = clock.now()
    if not login_is_active(login, now):
        return None
    # Kept for the organization's own idle limit, which is checked once the organization is known.
    login.previous_used_at = login.last_used_at  # type: ignore[attr-defined]
    if now - login.last_used_at > TOUCH_INTERVAL:
        Login.objects.filter(pk=login.pk).update(last_used_at=now)
        login.last_used_at = now
    return login


@transaction.atomic
def login_revoke(*, login: Login) -> None:
    if Login.objects.filter(pk=login.pk, revoked_at__isnull=True).update(revoked_at=clock.now()):
        account_audit.record("login.revoke", user=login.user, target_type="login", target_id=login.pk)


@transaction.atomic
def logins_revoke_all(*, user: User, keep: Login | None = None) -> int:
    logins = Login.objects.filter(user=user, revoked_at__isnull=True)
    if keep is not None:
        logins = logins.exclude(pk=keep.pk)
    revoked = logins.update(revoked_at=clock.now())
    if revoked:
        account_audit.record("login.revoke_all", user=user, changes={"count": revoked})
    return revoked


def login_reauthenticate(*, login: Login) -> Login:
    """The user proved who they are again: sensitive actions are allowed for a while."""
    login.auth_time = clock.now()
    Login.objects.filter(pk=login.pk).update(auth_time=login.auth_time)
    account_audit.record("auth.reauth.succeeded", user=login.user, changes={"loginId": login.pk})
    return login


def api_key_authenticate(key: str) -> ApiKey | None:
    found = _API_KEY_BY_HASH.objects(key_hash=hash_secret(key))
    api_key: ApiKey | None = found[0] if found else None  # type: ignore[assignment]
    now = clock.now()
    if (
        api_key is None
        or api_key.revoked_at is not None
        or (api_key.expires_at is not None and api_key.expires_at <= now)
        or not api_key.service_account.is_enabled
    ):
        return None
    account = api_key.service_account
    if api_key.last_used_at is None and ApiKey.objects.filter(pk=api_key.pk, last_used_at__isnull=True).update(
        last_used_at=now
    ):
        # A key's first use is its sign-in event (conditional update: of two first requests, one records it).
        audit.record(
            "auth.api_key.first_use",
            organization_id=account.organization_id,
            target_type="api_key",
            target_id=api_key.pk,
            actor=Actor(account.pk, SERVICE_ACCOUNT),
        )
        api_key.last_used_at = now
    elif api_key.last_used_at is None or now - api_key.last_used_at > TOUCH_INTERVAL:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key
