"""mozilla-django-oidc's authorization-code flow, configured per sign-in from an IdentityProvider row.

The library reads one provider from global settings; here each sign-in reads its provider from the
database (chosen by the `state` the console stored in the session at start). What changes from the
library: settings come from `oidc_settings(idp)`; every outbound call (token, JWKS, userinfo) goes
through `apps.core.http`; ID tokens must be RS256 with our audience, the provider's issuer and an
expiry; and the account is found by (provider, `sub`) in `sso_user_resolve`, never by email.
"""

import logging
from typing import Any
from urllib.parse import quote

import jwt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from apps.core import audit, http
from apps.identity.sso.discovery import SIGNING_ALGORITHM, DiscoveryFailed, discover_cached
from apps.identity.sso.models import IdentityProvider
from apps.identity.sso.services import SsoDenied, sso_user_resolve

logger = logging.getLogger(__name__)

CALLBACK_URL_NAME = "sso-callback"
CLOCK_SKEW_SECONDS = 60


def oidc_settings(idp: IdentityProvider | None) -> dict[str, Any]:
    """The mozilla-django-oidc settings of one provider (the library's names, so its code reads them)."""
    values: dict[str, Any] = {
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": True,
        "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
        "OIDC_RP_SIGN_ALGO": SIGNING_ALGORITHM,
        "OIDC_TIMEOUT": getattr(settings, "OUTBOUND_HTTP_TIMEOUT_SECONDS", http.DEFAULT_TIMEOUT_SECONDS),
        "OIDC_AUTHENTICATION_CALLBACK_URL": CALLBACK_URL_NAME,
        "OIDC_TOKEN_USE_BASIC_AUTH": True,
        "OIDC_STORE_ACCESS_TOKEN": False,
        "OIDC_STORE_ID_TOKEN": False,
        "OIDC_CREATE_USER": False,
        "OIDC_ALLOW_UNSECURED_JWT": False,
        "OIDC_REDIRECT_FIELD_NAME": "next",
        "LOGIN_REDIRECT_URL": settings.LOGIN_REDIRECT_URL,
        "LOGIN_REDIRECT_URL_FAILURE": settings.LOGIN_URL,
    }
    if idp is not None:
        values["OIDC_RP_SCOPES"] = " ".join(idp.scopes)
    return values


def setting_of(values: dict[str, Any], attr: str, *default: Any) -> Any:
    """Look up a per-provider setting; global OIDC_* settings are deliberately never consulted."""
    if attr in values:
        return values[attr]
    if default:
        return default[0]
    raise ImproperlyConfigured(f"{attr} is not a per-provider setting")


class IdentityProviderBackend(OIDCAuthenticationBackend):
    """Acts only inside the SSO callback view, which puts the provider on `request.sso_idp`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Not super().__init__: it would read a single global provider from settings.
        self.UserModel = get_user_model()
        self.idp: IdentityProvider | None = None
        self.issuer = ""

    def get_settings(self, attr: str, *args: Any) -> Any:  # type: ignore[override]
        return setting_of(oidc_settings(self.idp), attr, *args)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        idp = getattr(request, "sso_idp", None)
        if request is None or not isinstance(idp, IdentityProvider):
            return None
        try:
            self._configure(idp)
            return super().authenticate(request, **kwargs)
        except SsoDenied as exc:
            request.sso_failure = exc.message  # type: ignore[attr-defined]
            # Recorded here: the sign-in's own transaction rolled back with the refusal.
            audit.record(
                "auth.sso.login.failed",
                organization_id=idp.organization_id,
                target_type="identity_provider",
                target_id=idp.pk,
                changes={"reason": exc.code},
                outcome=audit.FAILURE,
            )
        except (http.OutboundError, DiscoveryFailed) as exc:
            logger.warning("SSO sign-in through %s failed: %s", idp.pk, exc)
            request.sso_failure = f"{idp.name} could not be reached. Try again later."  # type: ignore[attr-defined]
        except (SuspiciousOperation, jwt.PyJWTError, KeyError, ValueError) as exc:
            logger.warning("SSO sign-in through %s refused: %s", idp.pk, exc)
            request.sso_failure = f"The answer from {idp.name} could not be verified."  # type: ignore[attr-defined]
        return None

    def _configure(self, idp: IdentityProvider) -> None:
        found = discover_cached(idp.issuer)
        self.idp = idp
        self.issuer = found.issuer
        self.OIDC_OP_TOKEN_ENDPOINT = found.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = found.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = found.jwks_uri
        self.OIDC_RP_CLIENT_ID = idp.client_id
        self.OIDC_RP_CLIENT_SECRET = idp.client_secret
        self.OIDC_RP_SIGN_ALGO = SIGNING_ALGORITHM
        self.OIDC_RP_IDP_SIGN_KEY = None

    def get_token(self, payload: dict[str, Any]) -> dict[str, Any]:
        # client_secret_basic as RFC 6749 §2.3.1 spells it: both parts form-encoded before Basic.
        payload = dict(payload)
        secret = payload.pop("client_secret")
        auth = (quote(payload["client_id"], safe=""), quote(secret, safe=""))
        response = http.post(self.OIDC_OP_TOKEN_ENDPOINT, data=payload, auth=auth)
        if not response.ok:
            raise SuspiciousOperation(f"token endpoint answered HTTP {response.status}")
        return response.json()

    def retrieve_matching_jwk(self, token: str) -> jwt.PyJWK:
        """The provider's RS256 signing key named by the token's `kid` (the only key, when there is no kid)."""
        header = jwt.get_unverified_header(token)
        keys = http.get(self.OIDC_OP_JWKS_ENDPOINT).json().get("keys") or []
        candidates = [
            k
            for k in keys
            if isinstance(k, dict)
            and k.get("kty") == "RSA"
            and k.get("use", "sig") == "sig"
            and k.get("alg", SIGNING_ALGORITHM) == SIGNING_ALGORITHM
        ]
        if "kid" in header:
            candidates = [k for k in candidates if k.get("kid") == header["kid"]]
        if len(candidates) != 1:
            raise SuspiciousOperation("no single matching signing key in the provider's JWKS")
        return jwt.PyJWK(candidates[0], algorithm=SIGNING_ALGORITHM)

    def get_payload_data(self, token: str, key: Any) -> dict[str, Any]:
        """Verify signature, algorithm, issuer, audience and lifetime (the library skips audience)."""
        payload = jwt.decode(
            token,
            key,
            algorithms=[SIGNING_ALGORITHM],
            audience=self.OIDC_RP_CLIENT_ID,
            issuer=self.issuer,
            leeway=CLOCK_SKEW_SECONDS,
            options={"require": ["iss", "sub", "aud", "exp", "iat"]},
        )
        audiences = payload["aud"] if isinstance(payload["aud"], list) else [payload["aud"]]
        if len(audiences) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token for several audiences without our azp")
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Claims from the userinfo endpoint (when there is one), which must be about the same `sub`."""
        if not self.OIDC_OP_USER_ENDPOINT:
            return payload
        response = http.get(self.OIDC_OP_USER_ENDPOINT, headers={"Authorization": f"Bearer {access_token}"})
        if not response.ok:
            raise SuspiciousOperation(f"userinfo endpoint answered HTTP {response.status}")
        claims = response.json()
        if not isinstance(claims, dict) or claims.get("sub") != payload["sub"]:
            raise SuspiciousOperation("userinfo is about another subject")
        return claims

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        assert self.idp is not None
        claims = self.get_userinfo(access_token, id_token, payload)
        link_user = getattr(self.request, "sso_link_user", None)
        return sso_user_resolve(idp=self.idp, subject=str(payload["sub"]), claims=claims, link_user=link_user)
