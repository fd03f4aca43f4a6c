"""Accounts: creation, profile, passwords (own change, emailed reset, administrator's temporary password)."""

import base64
import secrets
from datetime import timedelta

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction

from apps.core import audit, clock
from apps.core.errors import Conflict, Forbidden, InvalidInput, Unauthenticated
from apps.core.principal import Principal
from apps.identity import account_audit, emails
from apps.identity.models import Login, User, UserEmail
from apps.identity.services import throttling
from apps.identity.services.logins import logins_revoke_all
from apps.identity.services.mfa import trusted_devices_revoke_all
from apps.identity.services.passwords import password_validate
from apps.identity.services.reauth import require_recent_auth

TEMPORARY_PASSWORD_HOURS = 24


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    given_name: str = "",
    family_name: str = "",
    display_name: str = "",
    email_verified: bool = False,
) -> User:
    """A new account; `password=None` leaves it without one (set through an emailed link)."""
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise Conflict("A user with this email exists.", field_errors={"email": "Already registered."})
    user = User(email=email, given_name=given_name, family_name=family_name, display_name=display_name)
    if password is not None:
        password_validate(password, user=user)
    user.set_password(password)
    user.email_verified_at = clock.now() if email_verified else None
    user.save()
    UserEmail.objects.create(user=user, email=email, verified_at=user.email_verified_at, created_by=user.created_by)
    account_audit.record("user.create", user=user, changes={"email": email, "emailVerified": email_verified})
    return user


@transaction.atomic
def user_update(*, user: User, **fields: str) -> User:
    """Profile fields; `email` must be free (callers decide who may change it and how it was proven)."""
    email = fields.pop("email", None)
    if email is not None and email.strip().lower() != user.email:
        email = email.strip().lower()
        if User.objects.filter(email=email).exclude(pk=user.pk).exists():
            raise Conflict("A user with this email exists.", field_errors={"email": "Already registered."})
        user.email = email
        UserEmail.objects.get_or_create(user=user, email=email)
    for name, value in fields.items():
        setattr(user, name, value)
    user.save()
    account_audit.record("user.update", user=user, changes={**fields, **({"email": email} if email else {})})
    return user


@transaction.atomic
def password_set(*, user: User, password: str, field: str = "password") -> None:
    """Set a password the user chose; it ends trusted devices (they vouched for the old one)."""
    password_validate(password, user=user, field=field)
    user.set_password(password)
    user.password_change_required = False
    user.password_expires_at = None
    user.save()
    account_audit.record("user.password.set", user=user)
    trusted_devices_revoke_all(user=user)


def password_change(*, principal: Principal, user: User, current: str, new: str, remote_ip: str | None) -> None:
    """Change one's own password, signed in recently and knowing the current one; every other login ends.

    Only the person themselves: an administrator gives a temporary password instead (`password_reset_temporary`).
    """
    if principal.user is None or principal.user.pk != user.pk:
        raise Forbidden(
            "You can change only your own password; administrators reset it instead.", code="not_your_password"
        )
    require_recent_auth(principal.credential)
    throttling.attempt_begin(account=user.email, remote_ip=remote_ip)
    if not user.check_password(current):
        throttling.attempt_failed(account=user.email, remote_ip=remote_ip)
        account_audit.record("user.password.change.failed", user=user, outcome=audit.FAILURE)
        raise Unauthenticated(
            "The current password is incorrect.",
            code="invalid_credentials",
            field_errors={"currentPassword": "Incorrect."},
        )
    throttling.attempt_succeeded(account=user.email)
    with transaction.atomic():
        password_set(user=user, password=new, field="newPassword")
        logins_revoke_all(user=user, keep=principal.credential if isinstance(principal.credential, Login) else None)


def _reset_token(user: User) -> str:
    return f"{user.pk}.{default_token_generator.make_token(user)}"


def password_reset_link(user: User) -> str:
    return emails.console_url(f"/reset-password/?token={_reset_token(user)}")


def password_forgot(*, email: str, remote_ip: str | None = None) -> None:
    """Email a reset link if the account exists; the caller cannot tell either way (throttled alike)."""
    email = email.strip().lower()
    throttling.request_check(account=email, remote_ip=remote_ip)
    user = User.objects.filter(email=email, is_active=True).first()
    if user is not None:
        account_audit.record("user.password.reset_request", user=user)
        emails.send_password_reset(user=user, link=password_reset_link(user))


@transaction.atomic
def password_reset_confirm(*, token: str, password: str) -> User:
    """Set a password from an emailed link (single use: the token signs the old password hash)."""
    user_id, _, signature = (token or "").partition(".")
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, signature):
        raise InvalidInput(
            "This link is invalid or was already used. Ask for a new one.",
            code="invalid_token",
            field_errors={"token": "Invalid or used."},
        )
    password_set(user=user, password=password, field="newPassword")
    if user.email_verified_at is None:
        User.objects.filter(pk=user.pk).update(email_verified_at=clock.now())
    logins_revoke_all(user=user)
    return user


def _temporary_password() -> str:
    raw = base64.b32encode(secrets.token_bytes(10)).decode().lower()
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


@transaction.atomic
def password_reset_temporary(*, user: User, credential: object) -> str:
    """An administrator's reset (`credential`: theirs, recently signed in): a random password valid 24 h, replaced at
    first use; every login ends."""
    require_recent_auth(credential)
    password = _temporary_password()
    user.set_password(password)
    user.password_change_required = True
    user.password_expires_at = clock.now() + timedelta(hours=TEMPORARY_PASSWORD_HOURS)
    user.save()
    account_audit.record("user.password.reset_temporary", user=user, changes={"expiresAt": user.password_expires_at})
    logins_revoke_all(user=user)
    trusted_devices_revoke_all(user=user)
    emails.send_temporary_password_notice(user=user)
    return password
