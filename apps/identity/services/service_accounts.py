"""Service accounts of an organization and their API keys (shown once, stored as SHA-256).

A key acts with every grant of its account: nobody changes an account, or mints or revokes its keys, unless they
hold at least what the account holds (`access.require_over`), or managing service accounts would be a way to
any permission a policy gave one.
"""

import secrets
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.db import IntegrityError, transaction

from apps.core import audit, clock
from apps.core.crypto import hash_secret
from apps.core.errors import Conflict, InvalidInput
from apps.core.principal import Principal
from apps.identity.models import ApiKey, ServiceAccount
from apps.identity.services.logins import API_KEY_PREFIX
from apps.identity.services.reauth import require_recent_auth
from apps.org.access import require, require_over

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
    account = ServiceAccount.objects.create(organization=principal.org, username=username, description=description)
    _record("service_account.create", account, changes={"username": username, "description": description})
    return account


def _record(action: str, account: ServiceAccount, **kwargs: Any) -> None:
    audit.record(
        action, organization_id=account.organization_id, target_type="service_account", target_id=account.pk, **kwargs
    )


@_unique_username
def service_account_update(*, principal: Principal, account: ServiceAccount, **fields: object) -> ServiceAccount:
    require(principal, "CanManageServiceAccounts", account)
    require_over(principal, account)
    for name, value in fields.items():
        setattr(account, name, value)
    account.save()
    _record("service_account.update", account, changes=fields)
    return account


@transaction.atomic
def service_account_delete(*, principal: Principal, account: ServiceAccount) -> None:
    require(principal, "CanManageServiceAccounts", account)
    require_over(principal, account)
    _record("service_account.delete", account, changes={"username": account.username})
    account.delete()


@transaction.atomic
def api_key_create(
    *, principal: Principal, account: ServiceAccount, name: str = "", expires_at: datetime | None = None
) -> tuple[ApiKey, str]:
    """A new key (256 random bits after `lsk_`); the secret is returned here and never again."""
    require(principal, "CanManageServiceAccounts", account)
    require_over(principal, account)
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
    audit.record(
        "api_key.create",
        organization_id=account.organization_id,
        target_type="api_key",
        target_id=key.pk,
        changes={"serviceAccountId": account.pk, "name": name, "prefix": key.prefix, "expiresAt": expires_at},
    )
    return key, secret


@transaction.atomic
def api_key_revoke(*, principal: Principal, key: ApiKey) -> None:
    require(principal, "CanManageServiceAccounts", key.service_account)
    require_over(principal, key.service_account)
    if ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=clock.now()):
        audit.record(
            "api_key.revoke",
            organization_id=key.service_account.organization_id,
            target_type="api_key",
            target_id=key.pk,
            changes={"serviceAccountId": key.service_account_id},
        )
