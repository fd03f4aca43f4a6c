"""Reads: identity providers of the acting organization, and the sign-in buttons of an organization."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse

from apps.core.console_list import ListOptions
from apps.core.errors import NotFound
from apps.core.principal import Principal
from apps.identity.sso.models import FederatedIdentity, IdentityProvider
from apps.org.access import visible

VIEW = "CanViewIdentityProviders"
IDP_LIST = ListOptions(
    sorts={"name": ("name",), "issuer": ("issuer", "name")}, default_sort="name", search_fields=("name", "issuer")
)


def idp_list(*, principal: Principal) -> QuerySet[IdentityProvider]:
    return visible(IdentityProvider.objects.all(), principal, VIEW).order_by("name", "id")


def idp_get(*, principal: Principal, idp_id: str) -> IdentityProvider:
    """One provider of the principal's organization; anything else (another org's included) is a 404."""
    idp = visible(IdentityProvider.objects.all(), principal, VIEW).filter(pk=idp_id).first()
    if idp is None:
        raise NotFound("Identity provider not found.", code="identity_provider_not_found")
    return idp


def idp_for_sign_in(idp_id: str) -> IdentityProvider | None:
    """An enabled provider by id, for the public SSO start and callback (no principal yet)."""
    return IdentityProvider.objects.select_related("organization").filter(pk=idp_id, is_enabled=True).first()


@dataclass(frozen=True)
class LoginProvider:
    name: str
    login_url: str


def link_candidates(*, org_slug: str | None) -> QuerySet[IdentityProvider]:
    """The enabled providers of an organization (none without one)."""
    if not org_slug:
        return IdentityProvider.objects.none()
    return IdentityProvider.objects.filter(organization__slug=org_slug, is_enabled=True).order_by("name", "id")


def login_providers(*, org_slug: str | None) -> list[LoginProvider]:
    """The SSO providers to offer as buttons on the login page of an organization."""
    return [
        LoginProvider(name=p.name, login_url=reverse("sso-start", args=[p.pk]))
        for p in link_candidates(org_slug=org_slug)
    ]


def identities_of(*, user_id: str) -> QuerySet[FederatedIdentity]:
    return FederatedIdentity.objects.filter(user_id=user_id).select_related("identity_provider__organization")
