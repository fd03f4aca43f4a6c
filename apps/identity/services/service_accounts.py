"""Service accounts of an organization and their API keys (shown once, stored as SHA-256)."""

import secrets
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import ParamSpec, TypeVar

from django.db import IntegrityError, transaction

from apps.core import clock
from apps.core.crypto import hash_secret
from apps.core.errors import Conflict, InvalidInput
from apps.core.principal import Principal
from apps.identity.models import ApiKey, ServiceAccount
from apps.identity.services.accounts import require_recent_auth
from apps.identity.services.logins import API_KEY_PREFIX
from apps.org.access import require

PREFIX_LENGTH = 12
P = ParamSpec("P")
R = TypeVar("R")


def _unique_username(fn: Callable[P, R]) -> Callable[P, R]:
    """Two concurrent creations of one username: the database constraint decides, the loser gets a 409."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            with transaction.atomic():
                return fn(*args, **kwargs)
        except IntegrityError as exc:
            raise Conflict("A service account with this username exists.", field_errors={"username": "Taken."}) from exc

    return wrapper


@_unique_username
def service_account_create(*, principal: Principal, username: str, description: str = "") -> ServiceAccount:
    require(principal, "CanManageServiceAccounts")
    return ServiceAccount.objects.create(organization=principal.org, username=username, description=description)


@_unique_username
def service_account_update(*, principal: Principal, account: ServiceAccount, **fields: object) -> ServiceAccount:
    require(principal, "CanManageServiceAccounts", account)
    for name, value in fields.items():
        setattr(account, name, value)
    account.save()
    return account


@transaction.atomic
def service_account_delete(*, principal: Principal, account: ServiceAccount) -> None:
    require(principal, "CanManageServiceAccounts", account)
    account.delete()


@transaction.atomic
def api_key_create(
    *, principal: Principal, account: ServiceAccount, name: str = "", expires_at: datetime | None = None
) -> tuple[ApiKey, str]:
    """A new key (256 random bits after `lsk_`); the secret is returned here and never again."""
    require(principal, "CanManageServiceAccounts", account)
    require_recent_auth(principal.credential)
    if expires_at is not None and expires_at <= clock.now():
        raise InvalidInput("expiresAt must be in the future.", field_errors={"expiresAt": "Must be in the future."})
    secret = API_KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        service_account=account,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        key_hash=hash_secret(secret),
        expires_at=expires_at,
    )
    return key, secret


@transaction.atomic
def api_key_revoke(*, principal: Principal, key: ApiKey) -> None:
    require(principal, "CanManageServiceAccounts", key.service_account)
    ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=clock.now())
