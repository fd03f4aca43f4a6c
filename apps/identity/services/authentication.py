"""Signing in: a first factor (password, emailed code, SSO, an accepted invitation), then whatever else the
account needs (a verified email where an organization asks for one, a new password after an administrator's
reset, an MFA code), then a login. `login_continue` is that gate, for every first factor.

Every step is throttled through `throttling`, and answers the same whether the account exists or not: an
emailed-code sign-in for an unknown address gets a decoy challenge (a row without a user, whose code is never
sent), so resending and verifying answer, and cost, what they would for a real account.
"""

import math
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import authenticate
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import F

from apps.core import audit, clock
from apps.core.crypto import hash_secret
from apps.core.errors import Forbidden, InvalidInput, RateLimited, Unauthenticated
from apps.identity import account_audit, emails
from apps.identity.models import ChallengePurpose, Login, LoginChallenge, TotpDevice, User
from apps.identity.services import mfa, throttling
from apps.identity.services.logins import login_create, login_reauthenticate
from apps.identity.services.users import password_set
from apps.org.models import Member, MemberRole, Organization

INVALID_CREDENTIALS = "The email or password is incorrect."
INVALID_CODE = "The code is incorrect or has expired."
CHALLENGE_PREFIX = "lsc_"
CHALLENGE_MINUTES = 10
CODE_MINUTES = 10
CODE_RESEND_SECONDS = 60
CHALLENGE_MAX_FAILURES = 5

METHOD_TOTP = "totp"
METHOD_RECOVERY = "recovery_code"
METHOD_EMAIL = "email_code"
METHOD_PASSWORD = "password"
METHOD_SSO = "sso"
METHOD_INVITATION = "invitation"


@dataclass
class Client:
    """Where an attempt comes from; recorded on the login it opens."""

    remote_ip: str | None = None
    user_agent: str = ""
    device_id: str = ""
    trusted_device_token: str | None = None


@dataclass
class LoginOutcome:
    """Either a login (with its token, shown once) or a challenge the client must answer next."""

    login: Login | None = None
    token: str | None = None
    challenge: LoginChallenge | None = None
    challenge_token: str | None = None
    challenge_expires_at: datetime | None = None
    methods: list[str] = field(default_factory=list)
    trusted_device_token: str | None = None

    @property
    def password_change_required(self) -> bool:
        return self.challenge is not None and self.challenge.purpose == ChallengePurpose.PASSWORD_CHANGE

    @property
    def mfa_required(self) -> bool:
        return self.challenge is not None and self.challenge.purpose == ChallengePurpose.MFA


def _methods(challenge: LoginChallenge) -> list[str]:
    if challenge.purpose == ChallengePurpose.PASSWORD_CHANGE:
        return ["new_password"]
    if challenge.purpose == ChallengePurpose.EMAIL_CODE:
        return [METHOD_EMAIL]
    # An emailed code may be the second factor only when the first one was the password.
    methods = [METHOD_TOTP, METHOD_RECOVERY]
    return [*methods, METHOD_EMAIL] if challenge.first_factor != METHOD_EMAIL else methods


def _challenge(
    user: User | None, purpose: str, client: Client, *, first_factor: str = "", email: str = ""
) -> LoginOutcome:
    """A pending step; without a user, a decoy for `email` that answers like a real one and never succeeds."""
    token = CHALLENGE_PREFIX + secrets.token_urlsafe(32)
    challenge = LoginChallenge.objects.create(
        user=user,
        email=user.email if user is not None else email,
        token_hash=hash_secret(token),
        purpose=purpose,
        remote_ip=client.remote_ip or None,
        user_agent=client.user_agent[:512],
        device_id=client.device_id[:64],
        first_factor=first_factor,
        expires_at=clock.now() + timedelta(minutes=CHALLENGE_MINUTES),
        created_by=user.pk if user is not None else "",
    )
    return LoginOutcome(
        challenge=challenge,
        challenge_token=token,
        challenge_expires_at=challenge.expires_at,
        methods=_methods(challenge),
    )


def email_verification_required(user: User) -> bool:
    """An organization of the user asks for verified addresses (settings.auth.requireEmailVerification)."""
    if user.email_verified_at is not None:
        return False
    return Organization.objects.filter(
        members__user=user, members__is_enabled=True, settings__auth__requireEmailVerification=True
    ).exists()


# A first factor an organization can turn off for its members (the reference's settings.auth keys).
_FIRST_FACTOR_SETTINGS = {METHOD_PASSWORD: "allowLoginWithPassword", METHOD_EMAIL: "allowLoginWithEmail"}


def first_factor_refused_by(user: User, first_factor: str) -> Organization | None:
    """An organization of the user that turned this first factor off (single sign-on only), unless the user holds a
    break-glass role there: an Owner keeps a way in when the identity provider is down."""
    setting = _FIRST_FACTOR_SETTINGS.get(first_factor)
    if setting is None:
        return None
    break_glass = MemberRole.objects.filter(member__user=user, role__break_glass=True).values("member__organization_id")
    return (
        Organization.objects.filter(
            members__user=user, members__is_enabled=True, **{f"settings__auth__{setting}": False}
        )
        .exclude(pk__in=break_glass)
        .order_by("name")
        .first()
    )


def _sso_skips_mfa(org: Organization | None) -> bool:
    # Off unless the organization trusts its identity providers' own MFA (settings.auth.ssoSkipsMfa).
    return org is not None and org.settings.get("auth", {}).get("ssoSkipsMfa") is True


def login_continue(
    user: User, client: Client, *, first_factor: str = METHOD_PASSWORD, org: Organization | None = None
) -> LoginOutcome:
    """The user passed a first factor: ask for what is still missing, else open the login.

    The one gate for every first factor: the password, an emailed code, SSO (`org`: the identity provider's
    organization, whose settings may let SSO skip MFA), an accepted invitation.
    """
    if email_verification_required(user):
        raise Forbidden(
            "Verify your email address before signing in: open the link we emailed you, or ask for a new one.",
            code="email_verification_required",
        )
    if (sso_org := first_factor_refused_by(user, first_factor)) is not None:
        raise Forbidden(
            f"{sso_org.name} requires signing in with its identity provider: use the button on its sign-in page, "
            f"/login/?org={sso_org.slug}.",
            code="sso_required",
        )
    if user.password_change_required and first_factor == METHOD_PASSWORD:
        return _challenge(user, ChallengePurpose.PASSWORD_CHANGE, client, first_factor=first_factor)
    skip_mfa = first_factor == METHOD_SSO and _sso_skips_mfa(org)
    if (
        not skip_mfa
        and mfa.mfa_enabled(user)
        and not mfa.trusted_device_is_valid(user=user, token=client.trusted_device_token)
    ):
        return _challenge(user, ChallengePurpose.MFA, client, first_factor=first_factor)
    return _open_login(user, client)


@transaction.atomic
def _open_login(user: User, client: Client) -> LoginOutcome:
    # The failure count resets only when every factor passed: a known password alone must not
    # give a fresh budget of MFA guesses.
    throttling.attempt_succeeded(account=user.email)
    login, token = login_create(
        user=user, remote_ip=client.remote_ip, user_agent=client.user_agent, device_id=client.device_id
    )
    Member.objects.filter(user=user).update(last_login_at=clock.now())
    return LoginOutcome(login=login, token=token)


def password_login(*, email: str, password: str, client: Client) -> LoginOutcome:
    return login_continue(password_check(email=email, password=password, client=client), client)


def password_check(*, email: str, password: str, client: Client) -> User:
    """The password as a first factor: the account it opens, or the generic refusal (known or unknown alike)."""
    email = email.strip().lower()
    throttling.attempt_begin(account=email, remote_ip=client.remote_ip)
    user = authenticate(username=email, password=password)
    expired = (
        isinstance(user, User) and user.password_expires_at is not None and user.password_expires_at <= clock.now()
    )
    if not isinstance(user, User) or not user.is_active or expired:
        throttling.attempt_failed(account=email, remote_ip=client.remote_ip)
        _failed("auth.login.failed", User.objects.filter(email=email).first(), email=email, method=METHOD_PASSWORD)
        raise Unauthenticated(INVALID_CREDENTIALS, code="invalid_credentials")
    throttling.attempt_passed(account=email)
    return user


def _failed(action: str, user: User | None, *, email: str, method: str) -> None:
    """A refused sign-in step; recorded on the account when it exists (for an unknown email, on none)."""
    account_audit.record(action, user=user, changes={"email": email, "method": method}, outcome=audit.FAILURE)


def _send_code(challenge: LoginChallenge) -> None:
    """A new code for the challenge; a decoy's is made and stored the same way, and sent nowhere."""
    code = f"{secrets.randbelow(10**6):06d}"
    now = clock.now()
    LoginChallenge.objects.filter(pk=challenge.pk).update(
        code_hash=make_password(code, hasher=mfa.SECRET_HASHER),
        code_expires_at=now + timedelta(minutes=CODE_MINUTES),
        code_sent_at=now,
    )
    challenge.code_sent_at = now
    if challenge.user is None:
        return
    account_audit.record("auth.login.code.send", user=challenge.user, changes={"purpose": challenge.purpose})
    emails.send_login_code(user=challenge.user, code=code, minutes=CODE_MINUTES)


def email_code_login_start(*, email: str, client: Client) -> LoginOutcome:
    """Email a one-time code. Unknown accounts get the same answer: a decoy challenge that never succeeds."""
    email = email.strip().lower()
    throttling.lock_check(account=email)
    throttling.request_check(account=email, remote_ip=client.remote_ip)
    user = User.objects.filter(email=email, is_active=True).first()
    outcome = _challenge(user, ChallengePurpose.EMAIL_CODE, client, email=email)
    _send_code(outcome.challenge)
    return outcome


def _pending(challenge_token: str) -> LoginChallenge:
    challenge = (
        LoginChallenge.objects.select_related("user")
        .filter(token_hash=hash_secret(challenge_token or ""), ended_at__isnull=True, expires_at__gt=clock.now())
        .first()
    )
    if challenge is None or (challenge.user is not None and not challenge.user.is_active):
        raise Unauthenticated(
            "This sign-in has expired or was cancelled. Start again.",
            code="challenge_invalid",
            field_errors={"challengeId": "Expired or unknown."},
        )
    return challenge


def challenge_send_code(*, challenge_token: str, client: Client) -> None:
    """(Re)send an emailed code for a pending challenge; at most once a minute, within the client's limits."""
    challenge = _pending(challenge_token)
    throttling.request_check(account=challenge.email, remote_ip=client.remote_ip)
    if METHOD_EMAIL not in _methods(challenge):
        raise InvalidInput("This sign-in does not accept emailed codes.", field_errors={"method": "Not offered."})
    if challenge.code_sent_at is not None:
        wait = challenge.code_sent_at + timedelta(seconds=CODE_RESEND_SECONDS) - clock.now()
        if wait.total_seconds() > 0:
            raise RateLimited(
                "A code was just sent. Wait before asking again.",
                code="code_recently_sent",
                retry_after=math.ceil(wait.total_seconds()),
            )
    _send_code(challenge)


def _code_matches(challenge: LoginChallenge, method: str, code: str) -> bool:
    if method not in _methods(challenge):
        return False
    if method == METHOD_EMAIL:
        fresh = challenge.code_expires_at is not None and challenge.code_expires_at > clock.now()
        matches = fresh and bool(challenge.code_hash) and check_password("".join(code.split()), challenge.code_hash)
        return matches and challenge.user is not None
    if method == METHOD_TOTP:
        device = TotpDevice.objects.filter(user=challenge.user, confirmed_at__isnull=False).first()
        return device is not None and mfa.totp_verify(device, code)
    return mfa.recovery_code_use(user=challenge.user, code=code)


def challenge_verify(
    *, challenge_token: str, method: str, code: str, client: Client, trust_device: bool = False
) -> LoginOutcome:
    """Answer a challenge with a code. Five wrong codes end the challenge; all count toward the lockout."""
    challenge = _pending(challenge_token)
    user = challenge.user
    throttling.attempt_begin(account=challenge.email, remote_ip=client.remote_ip)
    if not _code_matches(challenge, method, code) or user is None:
        throttling.attempt_failed(account=challenge.email, remote_ip=client.remote_ip)
        LoginChallenge.objects.filter(pk=challenge.pk).update(failures=F("failures") + 1)
        if challenge.failures + 1 >= CHALLENGE_MAX_FAILURES:
            LoginChallenge.objects.filter(pk=challenge.pk).update(ended_at=clock.now())
        mfa_step = challenge.purpose == ChallengePurpose.MFA
        _failed("auth.mfa.failed" if mfa_step else "auth.login.failed", user, email=challenge.email, method=method)
        raise Unauthenticated(INVALID_CODE, code="invalid_code", field_errors={"code": "Incorrect or expired."})
    throttling.attempt_passed(account=challenge.email)
    if LoginChallenge.objects.filter(pk=challenge.pk, ended_at__isnull=True).update(ended_at=clock.now()) != 1:
        raise Unauthenticated("This sign-in was already completed.", code="challenge_invalid")
    if challenge.purpose == ChallengePurpose.MFA:
        account_audit.record(
            "auth.mfa.succeeded", user=user, changes={"method": method}, actor=account_audit.as_user(user)
        )
    if challenge.purpose == ChallengePurpose.EMAIL_CODE:
        if user.email_verified_at is None:
            # The code reached the inbox: the address is proven.
            user.email_verified_at = clock.now()
            User.objects.filter(pk=user.pk).update(email_verified_at=user.email_verified_at)
        return login_continue(user, client, first_factor=METHOD_EMAIL)
    outcome = _open_login(user, client)
    if trust_device:
        _device, outcome.trusted_device_token = mfa.trusted_device_create(
            user=user, remote_ip=client.remote_ip, user_agent=client.user_agent, device_id=client.device_id
        )
    return outcome


def challenge_change_password(*, challenge_token: str, new_password: str, client: Client) -> LoginOutcome:
    """Replace a temporary password, then continue signing in (MFA still applies)."""
    challenge = _pending(challenge_token)
    if challenge.purpose != ChallengePurpose.PASSWORD_CHANGE:
        raise InvalidInput("This sign-in does not need a new password.", field_errors={"challengeId": "Wrong step."})
    password_set(user=challenge.user, password=new_password, field="newPassword")
    LoginChallenge.objects.filter(pk=challenge.pk).update(ended_at=clock.now())
    return login_continue(challenge.user, client, first_factor="new_password")


def reauthenticate(*, login: Login, password: str = "", code: str = "", client: Client) -> Login:
    """Prove presence again (password or authenticator code) so sensitive actions are allowed for 15 minutes."""
    user = login.user
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    if not password and not (code and device is not None):
        raise InvalidInput("Give your password or an authenticator code.", field_errors={"password": "Required."})
    throttling.attempt_begin(account=user.email, remote_ip=client.remote_ip)
    ok = user.check_password(password) if password else device is not None and mfa.totp_verify(device, code)
    if not ok:
        throttling.attempt_failed(account=user.email, remote_ip=client.remote_ip)
        _failed("auth.reauth.failed", user, email=user.email, method=METHOD_PASSWORD if password else METHOD_TOTP)
        raise Unauthenticated("The password or code is incorrect.", code="invalid_credentials")
    throttling.attempt_succeeded(account=user.email)
    return login_reauthenticate(login=login)
