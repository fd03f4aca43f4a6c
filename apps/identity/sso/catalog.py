"""The identity provider types an organization can configure. Code, not rows: it changes with releases."""

from dataclasses import dataclass
from datetime import UTC, datetime

# When this catalog last changed: the types' createdAt/updatedAt.
CATALOG_DATE = datetime(2026, 1, 15, tzinfo=UTC)


@dataclass(frozen=True)
class ProviderType:
    id: str
    name: str
    description: str
    dcr_supported: bool
    dcr_requires_token: bool
    dcr_token_type: str
    documentation_url: str
    setup_complexity: str
    vendor_type: str
    issuer_template: str
    default_issuer: str = ""
    requires_client_secret: bool = True
    enabled: bool = True
    visible: bool = True
    logo_url: str = ""


PROVIDER_TYPES: tuple[ProviderType, ...] = (
    ProviderType(
        id="keycloak",
        name="Keycloak",
        description="Open-source identity and access management; one realm per organization.",
        dcr_supported=True,
        dcr_requires_token=True,
        dcr_token_type="initial_access_token",
        documentation_url="https://www.keycloak.org/securing-apps/client-registration",
        setup_complexity="low",
        vendor_type="self_hosted",
        issuer_template="https://{host}/realms/{realm}",
    ),
    ProviderType(
        id="okta",
        name="Okta",
        description="Okta Workforce Identity through an authorization server.",
        dcr_supported=True,
        dcr_requires_token=True,
        dcr_token_type="api_token",
        documentation_url="https://developer.okta.com/docs/reference/api/oauth-clients/",
        setup_complexity="medium",
        vendor_type="saas",
        issuer_template="https://{domain}/oauth2/default",
    ),
    ProviderType(
        id="azure-ad",
        name="Microsoft Entra ID (Azure AD)",
        description="Microsoft Entra ID app registration (single tenant).",
        dcr_supported=False,
        dcr_requires_token=False,
        dcr_token_type="",
        documentation_url="https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc",
        setup_complexity="medium",
        vendor_type="saas",
        issuer_template="https://login.microsoftonline.com/{tenantId}/v2.0",
    ),
    ProviderType(
        id="google-workspace",
        name="Google Workspace",
        description="Google accounts of a Workspace domain, through an OAuth client of a Google Cloud project.",
        dcr_supported=False,
        dcr_requires_token=False,
        dcr_token_type="",
        documentation_url="https://developers.google.com/identity/openid-connect/openid-connect",
        setup_complexity="low",
        vendor_type="saas",
        issuer_template="https://accounts.google.com",
        default_issuer="https://accounts.google.com",
    ),
    ProviderType(
        id="auth0",
        name="Auth0",
        description="An Auth0 tenant; dynamic registration when the tenant enables it.",
        dcr_supported=True,
        dcr_requires_token=False,
        dcr_token_type="",
        documentation_url="https://auth0.com/docs/get-started/applications/dynamic-client-registration",
        setup_complexity="low",
        vendor_type="saas",
        issuer_template="https://{tenant}.auth0.com/",
    ),
    ProviderType(
        id="generic-oidc",
        name="OpenID Connect",
        description="Any OpenID Connect provider with a discovery document.",
        dcr_supported=True,
        dcr_requires_token=False,
        dcr_token_type="initial_access_token",
        documentation_url="https://openid.net/specs/openid-connect-discovery-1_0.html",
        setup_complexity="medium",
        vendor_type="generic",
        issuer_template="https://{host}",
    ),
)

_BY_ID = {t.id: t for t in PROVIDER_TYPES}
PROVIDER_TYPE_IDS = list(_BY_ID)


def provider_types() -> list[ProviderType]:
    """The enabled and visible types, in display order."""
    return [t for t in PROVIDER_TYPES if t.enabled and t.visible]


def provider_type(type_id: str) -> ProviderType | None:
    found = _BY_ID.get(type_id)
    return found if found is not None and found.enabled else None
