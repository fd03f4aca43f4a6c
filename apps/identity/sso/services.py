"""Identity provider writes (API and console share these) and the SSO sign-in decision.

Sign-in rule: a person is matched by (identity provider, `sub`) only, never by email. A new `sub`
becomes a new account only when nobody has that email yet and the person may join the organization
(a pending invitation, or an email domain the provider is trusted for). An existing account is
linked only by its owner, signed in, asking for it (`link_user`).
"""

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction

from apps.core import audit, clock, http
from apps.core.actor import USER, Actor
from apps.core.errors import ApplicationError, Conflict, Forbidden, InvalidInput
from apps.core.events import publish
from apps.core.principal import Principal
from apps.identity.models import User
from apps.identity.services.reauth import require_recent_auth
from apps.identity.services.users import user_create
from apps.identity.sso.catalog import ProviderType, provider_type
from apps.identity.sso.discovery import DiscoveryFailed, RegistrationFailed, discover, register_client, same_issuer
from apps.identity.sso.models import FederatedIdentity, IdentityProvider
from apps.identity.sso.models.identity_providers import default_scopes
from apps.org.access import require
from apps.org.models import AccountType, Invitation, Member
from apps.org.services.invitations import invitation_join, membership_create
from apps.org.services.organizations import system_roles_ensure

MANAGE = "CanManageIdentityProviders"
OIDC = "configWrite.oidc"
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_SCOPE = re.compile(r"^[\x21\x23-\x5b\x5d-\x7e]{1,100}$")


class SsoDenied(ApplicationError):
    """An SSO sign-in the rules refuse; the message is shown to the person signing in."""

    status = 403
    code = "sso_denied"
    error_type = "authorization"


def _require_manage(principal: Principal, *, sensitive: bool = False) -> None:
    require(principal, MANAGE)
    if sensitive:
        # Secrets of identity providers are sensitive actions: a sign-in from the last 15 minutes.
        require_recent_auth(principal.credential)


def _provider_type(type_id: str, field_name: str) -> ProviderType:
    found = provider_type(type_id)
    if found is None:
        raise InvalidInput(f"Unknown identity provider type {type_id!r}.", field_errors={field_name: "Unknown type."})
    return found


def _url(value: str, field_name: str) -> str:
    value = value.strip()
    try:
        http.check_url(value)
    except http.OutboundRefused as exc:
        raise InvalidInput("Give a full http(s) URL.", field_errors={field_name: "Must be an http(s) URL."}) from exc
    parts = urlsplit(value)
    if parts.query or parts.fragment or parts.username or parts.password or len(value) > 500:
        raise InvalidInput(
            "The URL must not have credentials, a query or a fragment.",
            field_errors={field_name: "Not a valid issuer URL."},
        )
    _address_allowed(value, field_name)
    return value


def _address_allowed(url: str, field_name: str) -> None:
    try:
        http.check_destination(url)
    except http.OutboundRefused as exc:
        raise InvalidInput(
            f"{urlsplit(url).hostname} is a loopback, private, link-local or metadata address: "
            "the console does not connect there.",
            code="address_not_allowed",
            field_errors={field_name: "Address not allowed."},
        ) from exc


def _scopes(scopes: list[str] | None) -> list[str]:
    if scopes is None:
        return default_scopes()
    cleaned = list(dict.fromkeys(s.strip() for s in scopes if s.strip()))
    if "openid" not in cleaned:
        raise InvalidInput("Scopes must include openid.", field_errors={f"{OIDC}.scopes": "Must include openid."})
    if len(cleaned) > 20 or not all(_SCOPE.match(s) for s in cleaned):
        raise InvalidInput("Scopes are space-free tokens.", field_errors={f"{OIDC}.scopes": "Invalid scope."})
    return cleaned


def _domains(domains: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(d.strip().lower().lstrip("@") for d in domains if d.strip()))
    bad = [d for d in cleaned if not _DOMAIN.match(d)]
    if bad or len(cleaned) > 50:
        raise InvalidInput(
            f"Not an email domain: {', '.join(bad) or 'too many domains'}.",
            field_errors={"allowedEmailDomains": "Give domains like example.com."},
        )
    return cleaned


def _name(org_id: str, name: str, exclude: str | None = None) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput("An identity provider needs a name.", field_errors={"name": "Required."})
    if IdentityProvider.objects.filter(organization_id=org_id, name=name).exclude(pk=exclude).exists():
        raise Conflict(f"An identity provider named {name!r} exists.", field_errors={"name": "Already taken."})
    return name


def _record(action: str, idp: IdentityProvider, **changes: Any) -> None:
    audit.record(
        action,
        organization_id=idp.organization_id,
        target_type="identity_provider",
        target_id=idp.pk,
        changes={"name": idp.name, **changes},
    )


def _required(value: str, field_name: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(f"{label} is required.", field_errors={field_name: "Required."})
    return value


@transaction.atomic
def idp_create(
    *,
    principal: Principal,
    provider_type_id: str,
    name: str,
    issuer: str,
    client_id: str,
    client_secret: str,
    scopes: list[str] | None = None,
    allowed_email_domains: list[str] | None = None,
    enabled: bool = True,
    enable_untested: bool = False,
) -> IdentityProvider:
    """A provider; an enabled one is offered on the sign-in page only once its connection test passed, or with
    `enable_untested` (the console's "offer it anyway"). A failed test saves nothing: `connection_test_failed`."""
    _require_manage(principal, sensitive=True)
    org = principal.org
    assert org is not None
    _provider_type(provider_type_id, "identityProviderTypeId")
    idp = IdentityProvider(
        organization=org,
        provider_type=provider_type_id,
        name=_name(org.pk, name),
        issuer=_url(issuer, f"{OIDC}.issuer"),
        client_id=_required(client_id, f"{OIDC}.clientId", "The client ID"),
        client_secret=_required(client_secret, f"{OIDC}.clientSecret", "The client secret"),
        scopes=_scopes(scopes),
        allowed_email_domains=_domains(allowed_email_domains or []),
        is_enabled=enabled,
    )
    if enabled:
        _offer(idp, enable_untested=enable_untested)
    idp.save()
    publish("identity_provider.created", idp, {"name": idp.name})
    _record("identity_provider.create", idp, providerType=idp.provider_type, issuer=idp.issuer, clientId=idp.client_id)
    return idp


UPDATABLE = {
    "name",
    "issuer",
    "client_id",
    "client_secret",
    "scopes",
    "allowed_email_domains",
    "enabled",
    "enable_untested",
}


@transaction.atomic
def idp_update(*, principal: Principal, idp: IdentityProvider, **changes: Any) -> IdentityProvider:
    """Change what was given; a new client secret here is the same sensitive action as rotate-secret.

    A new issuer, or enabling a disabled provider, tests the connection again before it is offered (see idp_create).
    """
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise TypeError(f"idp_update: unknown fields {sorted(unknown)}")
    _require_manage(principal, sensitive="client_secret" in changes)
    enable_untested = bool(changes.pop("enable_untested", False))
    was_offered = idp.is_enabled
    retest = False
    if "name" in changes:
        idp.name = _name(idp.organization_id, changes["name"], exclude=idp.pk)
    if "issuer" in changes:
        issuer = _url(changes["issuer"], f"{OIDC}.issuer")
        if not same_issuer(issuer, idp.issuer):
            # A `sub` is unique only within its issuer: links made at the old one must not match the new one.
            idp.identities.all().delete()
            idp.verified_at, idp.enabled_untested, retest = None, False, True
        idp.issuer = issuer
    if "client_id" in changes:
        idp.client_id = _required(changes["client_id"], f"{OIDC}.clientId", "The client ID")
    if "client_secret" in changes:
        idp.client_secret = _required(changes["client_secret"], f"{OIDC}.clientSecret", "The client secret")
    if "scopes" in changes:
        idp.scopes = _scopes(changes["scopes"])
    if "allowed_email_domains" in changes:
        idp.allowed_email_domains = _domains(changes["allowed_email_domains"])
    if "enabled" in changes:
        idp.is_enabled = bool(changes["enabled"])
    if idp.is_enabled and (retest or not was_offered):
        _offer(idp, enable_untested=enable_untested)
    idp.save()
    publish("identity_provider.updated", idp, {"fields": sorted(k for k in changes if k != "client_secret")})
    _record("identity_provider.update", idp, **changes)  # a new client_secret is redacted by its name
    return idp


@transaction.atomic
def idp_rotate_secret(*, principal: Principal, idp: IdentityProvider, client_secret: str) -> IdentityProvider:
    _require_manage(principal, sensitive=True)
    idp.client_secret = _required(client_secret, "clientSecret", "The client secret")
    idp.save(update_fields=["client_secret", "updated_at", "updated_by"])
    publish("identity_provider.secret_rotated", idp, {})
    _record("identity_provider.secret.rotate", idp)
    return idp


@transaction.atomic
def idp_delete(*, principal: Principal, idp: IdentityProvider) -> None:
    """Deleting a provider also forgets the identities linked through it (their accounts stay)."""
    _require_manage(principal)
    publish("identity_provider.deleted", idp, {"name": idp.name})
    _record("identity_provider.delete", idp)
    idp.delete()


@dataclass
class ConnectionReport:
    success: bool
    message: str
    reason: str | None = None
    details: dict[str, Any] | None = field(default=None)


def _offer(idp: IdentityProvider, *, enable_untested: bool) -> None:
    """Test the connection of a provider about to be offered on the sign-in page: it must answer discovery, or
    an administrator must choose to offer it anyway (kept as `enabled_untested`, which the console warns about)."""
    report = _discovery_report(idp.issuer, f"{OIDC}.issuer")
    if report.success:
        idp.verified_at, idp.enabled_untested = clock.now(), False
    elif enable_untested:
        idp.verified_at, idp.enabled_untested = None, True
    else:
        raise InvalidInput(
            f"The connection test failed ({report.reason}): {report.message} Fix the issuer, save the provider "
            "without offering it on the sign-in page, or offer it anyway.",
            code="connection_test_failed",
            field_errors={f"{OIDC}.issuer": f"The connection test failed: {report.message}"},
        )


def idp_test_connection(*, principal: Principal, idp: IdentityProvider) -> ConnectionReport:
    """Fetch the discovery document and report what the provider offers; failures are reported, not raised."""
    return issuer_test(principal=principal, issuer=idp.issuer)


def issuer_test(*, principal: Principal, issuer: str) -> ConnectionReport:
    """The check behind test-connection, also run by the console on the values typed in its form."""
    _require_manage(principal)
    return _discovery_report(_url(issuer, f"{OIDC}.issuer"), f"{OIDC}.issuer")


def _discovery_report(issuer: str, field_name: str) -> ConnectionReport:
    try:
        found = discover(issuer)
    except http.OutboundRefused as exc:
        raise InvalidInput(
            str(exc), code="address_not_allowed", field_errors={field_name: "Address not allowed."}
        ) from exc
    except DiscoveryFailed as exc:
        return ConnectionReport(success=False, message=exc.message, reason=exc.reason)
    details = {
        "issuer": found.issuer,
        "endpoints": {
            "authorization": found.authorization_endpoint,
            "token": found.token_endpoint,
            "userinfo": found.userinfo_endpoint,
            "jwks": found.jwks_uri,
            "endSession": found.end_session_endpoint,
        },
        "backchannelLogoutSupported": found.supports("backchannel_logout_supported"),
        "backchannelLogoutSessionSupported": found.supports("backchannel_logout_session_supported"),
        "frontchannelLogoutSupported": found.supports("frontchannel_logout_supported"),
        "scopesSupported": found.listed("scopes_supported"),
        "claimsSupported": found.listed("claims_supported"),
    }
    return ConnectionReport(success=True, message=f"Discovered {found.issuer}.", details=details)


@transaction.atomic
def idp_auto_setup(
    *,
    principal: Principal,
    name: str,
    provider_url: str,
    provider_type_id: str,
    initial_access_token: str,
    redirect_uri: str,
) -> IdentityProvider:
    """Discovery + dynamic client registration (RFC 7591), then an identity provider with that client."""
    _require_manage(principal, sensitive=True)
    org = principal.org
    assert org is not None
    kind = _provider_type(provider_type_id or "generic-oidc", "providerType")
    name = _name(org.pk, name)
    issuer = _url(provider_url, "providerUrl")
    if not kind.dcr_supported:
        raise InvalidInput(
            f"{kind.name} does not support dynamic client registration: create a client in its admin console "
            "and add it with POST /auth/idps.",
            code="registration_not_supported",
            field_errors={"providerType": "No dynamic client registration."},
        )
    if kind.dcr_requires_token and not initial_access_token:
        raise InvalidInput(
            f"{kind.name} needs an initial access token to register a client.",
            field_errors={"initialAccessToken": "Required."},
        )
    try:
        found = discover(issuer)
    except http.OutboundRefused as exc:
        raise InvalidInput(
            str(exc), code="address_not_allowed", field_errors={"providerUrl": "Address not allowed."}
        ) from exc
    except DiscoveryFailed as exc:
        raise InvalidInput(
            f"Discovery failed: {exc.message}",
            code=f"discovery_{exc.reason}",
            field_errors={"providerUrl": exc.message},
        ) from exc
    if not found.registration_endpoint:
        raise InvalidInput(
            f"The provider at {issuer} does not offer dynamic client registration (its discovery document has no "
            "registration_endpoint): create a client in its admin console and add it with POST /auth/idps.",
            code="registration_not_supported",
            field_errors={"providerUrl": "No registration endpoint."},
        )
    scopes = [s for s in default_scopes() if s == "openid" or s in found.listed("scopes_supported")]
    try:
        client = register_client(
            found,
            client_name=f"LakeSail Console ({org.name})",
            redirect_uri=redirect_uri,
            scopes=scopes,
            initial_access_token=initial_access_token,
        )
    except http.OutboundRefused as exc:
        raise InvalidInput(
            str(exc), code="address_not_allowed", field_errors={"providerUrl": "Address not allowed."}
        ) from exc
    except RegistrationFailed as exc:
        field_name = "initialAccessToken" if exc.token_refused else "providerUrl"
        raise InvalidInput(exc.message, code="registration_failed", field_errors={field_name: exc.message}) from exc
    idp = IdentityProvider.objects.create(
        organization=org,
        provider_type=kind.id,
        name=name,
        issuer=found.issuer,
        client_id=str(client["client_id"]),
        client_secret=str(client["client_secret"]),
        scopes=scopes,
        registration_client_uri=str(client.get("registration_client_uri") or ""),
        registration_access_token=str(client.get("registration_access_token") or ""),
        verified_at=clock.now(),  # its discovery document just answered
    )
    publish("identity_provider.created", idp, {"name": idp.name, "autoSetup": True})
    _record("identity_provider.create", idp, providerType=idp.provider_type, issuer=idp.issuer, autoSetup=True)
    return idp


def _email_claim(claims: dict[str, Any]) -> str:
    email = claims.get("email")
    return email.strip().lower() if isinstance(email, str) else ""


def _pending_invitation(idp: IdentityProvider, email: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organization_role")
        .filter(organization_id=idp.organization_id, email__iexact=email, accepted_at__isnull=True)
        .filter(expires_at__gt=clock.now())
        .order_by("-created_at")
        .first()
    )


def _domain_allowed(idp: IdentityProvider, email: str) -> bool:
    return bool(email) and email.rsplit("@", 1)[-1] in idp.allowed_email_domains


def _join(idp: IdentityProvider, user: User, email: str) -> None:
    """Just-in-time membership: only with a pending invitation or an allowed email domain."""
    org = idp.organization
    invitation = _pending_invitation(idp, email) if email else None
    if invitation is None and not _domain_allowed(idp, email):
        raise SsoDenied(
            f"{email or 'This account'} is not a member of {org.name}. Ask an administrator for an invitation.",
            code="sso_not_invited",
        )
    if invitation is not None:
        invitation_join(invitation=invitation, user=user, account_type=AccountType.FEDERATED)
    else:
        role = org.default_org_role or system_roles_ensure(org=org)["member"]
        membership_create(org=org, user=user, role=role, account_type=AccountType.FEDERATED)


@transaction.atomic
def sso_user_resolve(
    *, idp: IdentityProvider, subject: str, claims: dict[str, Any], link_user: User | None = None
) -> User:
    """The account an SSO sign-in lands in (creating or linking it by the rules above), or SsoDenied."""
    if not subject:
        raise SsoDenied("The identity provider did not name the account (no sub).")
    email = _email_claim(claims)
    if claims.get("email_verified") is False:
        email = ""  # an address the provider itself has not verified cannot create or invite anyone
    identity = (
        FederatedIdentity.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(identity_provider=idp, subject=subject)
        .first()
    )
    if identity is None:
        if link_user is not None:
            if FederatedIdentity.objects.filter(identity_provider=idp, user=link_user).exists():
                raise SsoDenied("Your account is already linked to another identity at this provider.")
            user = link_user
        else:
            if not email:
                raise SsoDenied("The identity provider did not assert a verified email address.")
            if User.objects.filter(email=email).exists():
                raise SsoDenied(
                    "An account with this email exists but is not linked to this identity provider. Sign in with "
                    "your password, then link the provider under Identity → Single sign-on → Linked sign-ins.",
                    code="sso_link_required",
                )
            # Rolled back with the whole sign-in when _join below refuses the membership.
            user = user_create(
                email=email,
                password=None,
                given_name=str(claims.get("given_name") or "")[:150],
                family_name=str(claims.get("family_name") or "")[:150],
                display_name=str(claims.get("name") or "")[:300],
                email_verified=claims.get("email_verified") is True,
            )
        identity = FederatedIdentity.objects.create(identity_provider=idp, subject=subject, user=user, email=email)
    elif link_user is not None and identity.user_id != link_user.pk:
        raise SsoDenied("This identity is already linked to another account.")
    user = identity.user
    if not user.is_active:
        raise SsoDenied("This account is disabled.")
    member = Member.objects.filter(organization_id=idp.organization_id, user=user).first()
    if member is None:
        _join(idp, user, email)
    elif not member.is_enabled:
        raise SsoDenied(f"Your membership in {idp.organization.name} is disabled.")
    FederatedIdentity.objects.filter(pk=identity.pk).update(email=email or identity.email, last_login_at=clock.now())
    audit.record(
        "auth.sso.link" if link_user is not None else "auth.sso.login.succeeded",
        organization_id=idp.organization_id,
        target_type="user",
        target_id=user.pk,
        changes={"identityProviderId": idp.pk, "subject": subject},
        actor=Actor(user.pk, USER),
    )
    return user


@transaction.atomic
def sso_identity_unlink(*, user: User, identity: FederatedIdentity) -> None:
    if identity.user_id != user.pk:
        raise Forbidden("This identity belongs to another account.")
    audit.record(
        "auth.sso.unlink",
        organization_id=identity.identity_provider.organization_id,
        target_type="user",
        target_id=user.pk,
        changes={"identityProviderId": identity.identity_provider_id, "subject": identity.subject},
    )
    identity.delete()
