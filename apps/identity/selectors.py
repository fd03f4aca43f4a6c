"""Reads of the identity domain, already scoped through `apps.org.access.visible`: a list shows what the principal
may see (nothing without the view permission); one object outside it, another organization's included, is a 404."""

from collections.abc import Mapping
from datetime import timedelta

from django.conf import settings
from django.db.models import F, QuerySet

from apps.core import clock
from apps.core.api.pagination import KeysetPages, Page
from apps.core.console_list import ListOptions
from apps.core.errors import NotFound
from apps.core.principal import Principal
from apps.identity.models import ApiKey, Login, ServiceAccount, TrustedDevice, User, UserEmail
from apps.org.access import sees_all, visible
from apps.org.models import Organization

USER_LIST = ListOptions(
    sorts={"email": ("email",), "created": ("created_at",)},
    default_sort="email",
    search_fields=("email", "given_name", "family_name", "display_name"),
)
SERVICE_ACCOUNT_LIST = ListOptions(
    sorts={"username": ("username",), "created": ("created_at",)},
    default_sort="username",
    search_fields=("username", "description"),
)


def organizations_of(user: User) -> QuerySet[Organization]:
    return Organization.objects.filter(members__user=user, members__is_enabled=True).order_by("name", "id")


def user_list(*, principal: Principal) -> QuerySet[User]:
    # Users belong to organizations and teams through their memberships; a team-scoped grant shows its teams' users.
    return visible(
        User.objects.all(),
        principal,
        "CanViewUsers",
        org_field="memberships__organization",
        team_field="memberships__team_memberships__team",
    ).order_by("email", "id")


def _organization_users(*, org_id: str) -> QuerySet[User]:
    # The member's name (what the organization shows) comes along from the membership the filter joins: one per user.
    users = User.objects.filter(memberships__organization_id=org_id).annotate(member_name=F("memberships__name"))
    return users.order_by("email", "id")


_USER_PAGES = KeysetPages(_organization_users, "org_id")  # every page of /org/users: compiled once per page size


def user_page(*, principal: Principal, params: Mapping[str, str]) -> Page | None:
    """A page of `user_list` for a principal who sees every user of the organization, each user with its member's
    name (`member_name`), read by one query compiled once; None for a caller who sees some teams' users only."""
    if not sees_all(principal, "CanViewUsers"):
        return None
    return _USER_PAGES.page(params, org_id=principal.org.pk)  # type: ignore[union-attr]


def org_user_get(*, principal: Principal, user_id: str) -> User:
    user = user_list(principal=principal).filter(pk=user_id).first()
    if user is None:
        raise NotFound("User not found.")
    return user


def my_emails(*, user: User) -> QuerySet[UserEmail]:
    return UserEmail.objects.filter(user=user).order_by("created_at", "id")


def my_logins(*, user: User) -> QuerySet[Login]:
    """Logins still usable: not revoked, not past their absolute or idle deadline."""
    now = clock.now()
    return Login.objects.filter(
        user=user,
        revoked_at__isnull=True,
        expires_at__gt=now,
        last_used_at__gt=now - timedelta(seconds=settings.LOGIN_TOKEN_IDLE_SECONDS),
    ).order_by("-last_used_at", "id")


def my_trusted_devices(*, user: User) -> QuerySet[TrustedDevice]:
    return TrustedDevice.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=clock.now()).order_by(
        "-created_at", "id"
    )


def service_account_list(*, principal: Principal) -> QuerySet[ServiceAccount]:
    return visible(ServiceAccount.objects.all(), principal, "CanViewServiceAccounts").order_by("username", "id")


def service_account_get(*, principal: Principal, account_id: str) -> ServiceAccount:
    account = service_account_list(principal=principal).filter(pk=account_id).first()
    if account is None:
        raise NotFound("Service account not found.")
    return account


def api_keys(*, account: ServiceAccount) -> QuerySet[ApiKey]:
    """Keys not revoked (expired ones stay listed with their expiresAt)."""
    return ApiKey.objects.filter(service_account=account, revoked_at__isnull=True).order_by("-created_at", "id")


def api_key_get(*, account: ServiceAccount, key_id: str) -> ApiKey:
    key = api_keys(account=account).select_related("service_account").filter(pk=key_id).first()
    if key is None:
        raise NotFound("API key not found.")
    return key
