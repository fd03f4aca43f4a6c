"""Self-service: sign-up, email addresses and their verification, one's own profile."""

from django.contrib.auth.hashers import make_password
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from apps.core import clock
from apps.core.errors import Conflict, InvalidInput, NotFound
from apps.identity import account_audit, emails
from apps.identity.models import Login, User, UserEmail
from apps.identity.services import throttling
from apps.identity.services.logins import login_revoke
from apps.identity.services.passwords import password_validate
from apps.identity.services.reauth import require_recent_auth
from apps.identity.services.users import password_reset_link, user_create, user_update
from apps.org.models import Organization
from apps.org.services.organizations import member_add, organization_create

VERIFY_SALT = "identity.email-verification"
VERIFY_MAX_AGE = 3 * 24 * 3600


def _send_verification(address: UserEmail) -> None:
    token = signing.dumps({"id": address.pk, "email": address.email}, salt=VERIFY_SALT)
    emails.send_email_verification(
        to=address.email, user=address.user, link=emails.console_url(f"/verify-email/?token={token}")
    )


def _organization_name_free(name: str) -> None:
    # The refusals organization_create would give, also when no organization is created (a known address).
    if Organization.objects.filter(slug=slugify(name)[:63]).exists():
        raise Conflict("An organization with this name exists.", field_errors={"organizationName": "Already taken."})


@transaction.atomic
def signup(
    *,
    email: str,
    password: str,
    given_name: str = "",
    family_name: str = "",
    organization_name: str = "",
    remote_ip: str | None = None,
) -> None:
    """A new account (and, when named, a new organization it owns); a verification link is emailed.

    The caller cannot tell whether the address already had an account: the answer, the checks and the slow
    password hash are the same; the existing account's owner is emailed that someone tried to sign up.
    """
    email = email.strip().lower()
    throttling.request_check(account=email, remote_ip=remote_ip)
    password_validate(password, user=User(email=email, given_name=given_name, family_name=family_name))
    if organization_name.strip():
        _organization_name_free(organization_name)
    existing = User.objects.filter(email=email).first()
    if existing is not None:
        make_password(password)  # the hash a new account costs
        emails.send_signup_attempt(user=existing, reset_link=password_reset_link(existing))
        return
    user = user_create(email=email, password=password, given_name=given_name, family_name=family_name)
    if organization_name.strip():
        member_add(org=organization_create(name=organization_name), user=user, role_keys=["owner"])
    _send_verification(UserEmail.objects.select_related("user").get(user=user, email=user.email))


def email_verification_resend(*, email: str, remote_ip: str | None = None) -> None:
    """Email a new verification link for an account's login address, if it exists and is unverified.

    The caller cannot tell either way (the answer is the same); throttled like every sign-in request.
    """
    email = email.strip().lower()
    throttling.request_check(account=email, remote_ip=remote_ip)
    address = (
        UserEmail.objects.select_related("user")
        .filter(email=email, user__email=email, user__is_active=True, verified_at__isnull=True)
        .first()
    )
    if address is not None:
        _send_verification(address)


def email_verification_resend_own(*, user: User, email_id: str) -> UserEmail:
    """A new verification link for one of the person's own unverified addresses (throttled like sign-in requests)."""
    address = UserEmail.objects.select_related("user").filter(user=user, pk=email_id, verified_at__isnull=True).first()
    if address is None:
        raise NotFound("This address is verified already or is not yours.", code="email_not_found")
    throttling.request_check(account=address.email, remote_ip=None)
    _send_verification(address)
    return address


@transaction.atomic
def email_add(*, user: User, email: str) -> UserEmail:
    email = email.strip().lower()
    if UserEmail.objects.filter(user=user, email=email).exists():
        raise Conflict("This address is already on your account.", field_errors={"email": "Already added."})
    if UserEmail.objects.filter(email=email, verified_at__isnull=False).exists():
        raise Conflict("This address belongs to another account.", field_errors={"email": "Taken."})
    address = UserEmail.objects.create(user=user, email=email)
    account_audit.record("user.email.add", user=user, changes={"email": email})
    _send_verification(address)
    return address


def email_verify(*, token: str) -> UserEmail:
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.BadSignature as exc:
        raise InvalidInput(
            "This verification link is invalid or expired.", code="invalid_token", field_errors={"token": "Invalid."}
        ) from exc
    address = UserEmail.objects.select_related("user").filter(pk=data.get("id"), email=data.get("email")).first()
    if address is None:
        raise InvalidInput("This address was removed.", code="invalid_token", field_errors={"token": "Unknown."})
    if address.verified_at is None:
        try:
            with transaction.atomic():
                address.verified_at = clock.now()
                address.save(update_fields=["verified_at", "updated_at"])
                if address.user.email == address.email:
                    User.objects.filter(pk=address.user_id).update(email_verified_at=address.verified_at)
                account_audit.record("user.email.verify", user=address.user, changes={"email": address.email})
        except IntegrityError as exc:
            raise Conflict("Another account verified this address first.", field_errors={"token": "Taken."}) from exc
    return address


def me_update(*, user: User, login: object, **fields: str) -> User:
    """Change one's profile; a new login email must be a verified address, and a recent sign-in."""
    email = fields.get("email")
    changing_email = email is not None and email.strip().lower() != user.email
    if changing_email:
        require_recent_auth(login)
        if not UserEmail.objects.filter(user=user, email=email.strip().lower(), verified_at__isnull=False).exists():
            raise InvalidInput(
                "Add this address and verify it before making it your login email.",
                field_errors={"email": "Not a verified address of yours."},
            )
    with transaction.atomic():
        user = user_update(user=user, **fields)
        if changing_email:
            User.objects.filter(pk=user.pk).update(email_verified_at=clock.now())
    return user


def login_revoke_own(*, user: User, login_id: str) -> Login:
    login = Login.objects.filter(pk=login_id, user=user, revoked_at__isnull=True).first()
    if login is None:
        raise NotFound("Login not found.")
    login_revoke(login=login)
    return login


@transaction.atomic
def organization_bootstrap(*, name: str, email: str, password: str) -> tuple[Organization, bool]:
    """Ensure an organization and its owner exist (idempotent). Returns (org, whether the owner was created)."""
    org = Organization.objects.filter(slug=slugify(name)[:63]).first() or organization_create(name=name)
    user = User.objects.filter(email=email.strip().lower()).first()
    created = user is None
    if user is None:
        user = user_create(email=email, password=password)
    member_add(org=org, user=user, role_keys=["owner"])
    return org, created
