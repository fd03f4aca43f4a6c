"""TOTP (RFC 6238: SHA1, 6 digits, 30 s, ±1 step, never the same step twice) and recovery codes.

Every change of a person's MFA takes the acting credential (the person's login, or an administrator's) and needs a
recent sign-in (`reauth.require_recent_auth`).
"""

import base64
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

import pyotp
import segno
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import Q

from apps.core import clock
from apps.core.crypto import hash_secret
from apps.core.errors import Conflict, InvalidInput
from apps.identity import account_audit
from apps.identity.models import RecoveryCode, TotpDevice, TrustedDevice, User
from apps.identity.services.logins import logins_revoke_all
from apps.identity.services.reauth import require_recent_auth

ISSUER = "LakeSail"
STEP_SECONDS = 30
RECOVERY_CODE_COUNT = 10
SECRET_HASHER = "random_sha256"
TRUSTED_DEVICE_DAYS = 30
TRUSTED_DEVICE_PREFIX = "ltd_"


@dataclass
class TotpEnrollment:
    secret: str
    otpauth_uri: str
    qr_svg: str
    qr_data_uri: str  # the same QR code as an <img> source (the console's CSP allows data: images)


def mfa_enabled(user: User) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


@transaction.atomic
def totp_enroll_start(*, user: User, credential: object) -> TotpEnrollment:
    """A fresh 160-bit secret, shown once (as text, otpauth URI and QR), unconfirmed until a code proves it."""
    require_recent_auth(credential)
    if mfa_enabled(user):
        raise Conflict("An authenticator is already set up; reset MFA to replace it.", code="mfa_already_enabled")
    secret = pyotp.random_base32(32)
    TotpDevice.objects.update_or_create(user=user, defaults={"secret": secret, "last_used_step": None})
    account_audit.record("mfa.totp.enroll", user=user)
    return _enrollment(user, secret)


def totp_enrollment_pending(*, user: User) -> TotpEnrollment | None:
    """The enrollment in progress (the console shows it again after a mistyped code), if any."""
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=True).first()
    return _enrollment(user, device.secret) if device else None


def _enrollment(user: User, secret: str) -> TotpEnrollment:
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    qr = segno.make(uri, error="m")
    return TotpEnrollment(
        secret=secret,
        otpauth_uri=uri,
        qr_svg=qr.svg_inline(scale=4, dark="#111", light="#fff"),
        qr_data_uri=qr.svg_data_uri(scale=5, dark="#111", light="#fff"),
    )


def totp_verify(device: TotpDevice, code: str) -> bool:
    """Accept a code of the current step ±1, but only a step newer than the last one accepted."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return False
    totp = pyotp.TOTP(device.secret)
    current = int(clock.now().timestamp()) // STEP_SECONDS
    for step in (current - 1, current, current + 1):
        if device.last_used_step is not None and step <= device.last_used_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            # Conditional update: of two concurrent requests with the same code, one wins.
            won = TotpDevice.objects.filter(
                Q(last_used_step__isnull=True) | Q(last_used_step__lt=step), pk=device.pk
            ).update(last_used_step=step)
            device.last_used_step = step
            return won == 1
    return False


@transaction.atomic
def totp_enroll_confirm(*, user: User, credential: object, code: str) -> list[str]:
    """Prove the authenticator works; MFA is on from now, and the first recovery codes are returned (once)."""
    require_recent_auth(credential)
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is None or device.confirmed_at is not None:
        raise Conflict("Start the authenticator setup first.", code="mfa_enrollment_not_started")
    if not totp_verify(device, code):
        raise InvalidInput("The code is not valid.", code="invalid_code", field_errors={"code": "Not valid."})
    TotpDevice.objects.filter(pk=device.pk).update(confirmed_at=clock.now())
    account_audit.record("mfa.totp.confirm", user=user)
    return _recovery_codes_replace(user)


def _format(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _normalize(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


@transaction.atomic
def recovery_codes_generate(*, user: User, credential: object) -> list[str]:
    """Ten new 80-bit codes (base32, XXXX-XXXX-XXXX-XXXX); the previous set stops working."""
    require_recent_auth(credential)
    return _recovery_codes_replace(user)


def _recovery_codes_replace(user: User) -> list[str]:
    if not mfa_enabled(user):
        raise Conflict("Set up an authenticator before recovery codes.", code="mfa_not_enabled")
    RecoveryCode.objects.filter(user=user).delete()
    codes = [base64.b32encode(secrets.token_bytes(10)).decode() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=make_password(c, hasher=SECRET_HASHER), created_by=user.pk) for c in codes
    )
    account_audit.record("mfa.recovery_codes.generate", user=user, changes={"count": len(codes)})
    return [_format(c) for c in codes]


def recovery_code_use(*, user: User, code: str) -> bool:
    code = _normalize(code)
    if len(code) != 16:
        return False
    for candidate in RecoveryCode.objects.filter(user=user, used_at__isnull=True):
        if check_password(code, candidate.code_hash):
            return RecoveryCode.objects.filter(pk=candidate.pk, used_at__isnull=True).update(used_at=clock.now()) == 1
    return False


def recovery_codes_remaining(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


@transaction.atomic
def mfa_reset(*, user: User, credential: object) -> None:
    """Remove the authenticator and recovery codes, forget trusted devices, end every login."""
    require_recent_auth(credential)
    TotpDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    account_audit.record("mfa.reset", user=user)
    trusted_devices_revoke_all(user=user)
    logins_revoke_all(user=user)


def trusted_device_create(
    *, user: User, remote_ip: str | None, user_agent: str, device_id: str
) -> tuple[TrustedDevice, str]:
    token = TRUSTED_DEVICE_PREFIX + secrets.token_urlsafe(32)
    device = TrustedDevice.objects.create(
        user=user,
        token_hash=hash_secret(token),
        device_id=device_id[:64],
        remote_ip=remote_ip or None,
        user_agent=user_agent[:512],
        expires_at=clock.now() + timedelta(days=TRUSTED_DEVICE_DAYS),
        created_by=user.pk,
    )
    account_audit.record(
        "trusted_device.create",
        user=user,
        target_type="trusted_device",
        target_id=device.pk,
        actor=account_audit.as_user(user),
    )
    return device, token


def trusted_device_is_valid(*, user: User, token: str | None) -> bool:
    if not token:
        return False
    return TrustedDevice.objects.filter(
        user=user, token_hash=hash_secret(token), revoked_at__isnull=True, expires_at__gt=clock.now()
    ).exists()


def trusted_devices_revoke_all(*, user: User) -> int:
    revoked = TrustedDevice.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=clock.now())
    if revoked:
        account_audit.record("trusted_device.revoke_all", user=user, changes={"count": revoked})
    return revoked


def trusted_device_revoke(*, device: TrustedDevice) -> None:
    if TrustedDevice.objects.filter(pk=device.pk, revoked_at__isnull=True).update(revoked_at=clock.now()):
        account_audit.record(
            "trusted_device.revoke", user=device.user, target_type="trusted_device", target_id=device.pk
        )
