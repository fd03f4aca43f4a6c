"""OpenID Connect discovery and RFC 7591 dynamic client registration, through the outbound HTTP helper."""

import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from apps.core import http

DISCOVERY_PATH = "/.well-known/openid-configuration"
DISCOVERY_CACHE_SECONDS = 600
REQUIRED_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri")
SIGNING_ALGORITHM = "RS256"


class DiscoveryFailed(Exception):
    """The provider's discovery document is unusable; `reason` is a stable code for the wire."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class Discovery:
    document: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        # Endpoint names as the specification spells them: discovery.token_endpoint, discovery.jwks_uri...
        if name.startswith("_"):
            raise AttributeError(name)
        value = self.document.get(name)
        return value if value is not None else ""

    def supports(self, key: str) -> bool:
        return bool(self.document.get(key, False))

    def listed(self, key: str) -> list[str]:
        value = self.document.get(key) or []
        return [str(v) for v in value] if isinstance(value, list) else []


def same_issuer(a: str, b: str) -> bool:
    return a.rstrip("/") == b.rstrip("/")


def discover(issuer: str) -> Discovery:
    """Fetch and check the discovery document. OutboundRefused for forbidden addresses, else DiscoveryFailed."""
    url = issuer.rstrip("/") + DISCOVERY_PATH
    try:
        response = http.get(url, headers={"Accept": "application/json"})
    except http.OutboundRefused:
        raise
    except http.OutboundTimeout as exc:
        raise DiscoveryFailed("timeout", f"The provider did not answer in time: {exc}") from exc
    except http.OutboundError as exc:
        raise DiscoveryFailed("unreachable", f"The provider could not be reached: {exc}") from exc
    if not response.ok:
        raise DiscoveryFailed("http_error", f"{url} answered HTTP {response.status}.")
    try:
        document = response.json()
    except http.OutboundError as exc:
        raise DiscoveryFailed("invalid_json", f"{url} did not answer with a JSON document.") from exc
    if not isinstance(document, dict):
        raise DiscoveryFailed("invalid_json", f"{url} did not answer with a JSON object.")
    found = str(document.get("issuer") or "")
    if not same_issuer(found, issuer):
        raise DiscoveryFailed("issuer_mismatch", f"The document names issuer {found!r}, not {issuer!r}.")
    missing = [key for key in REQUIRED_ENDPOINTS if not isinstance(document.get(key), str) or not document[key]]
    if missing:
        raise DiscoveryFailed("invalid_document", f"The discovery document lacks {', '.join(missing)}.")
    algorithms = document.get("id_token_signing_alg_values_supported") or []
    if SIGNING_ALGORITHM not in algorithms:
        raise DiscoveryFailed("invalid_document", f"The provider does not sign ID tokens with {SIGNING_ALGORITHM}.")
    for key in (*REQUIRED_ENDPOINTS, "userinfo_endpoint", "registration_endpoint", "end_session_endpoint"):
        if document.get(key):
            http.check_destination(str(document[key]))
    discovery = Discovery(document)
    cache.set(_cache_key(issuer), document, DISCOVERY_CACHE_SECONDS)
    return discovery


def discover_cached(issuer: str) -> Discovery:
    """The discovery document as fetched in the last ten minutes, else fetched now (sign-ins use this)."""
    document = cache.get(_cache_key(issuer))
    return Discovery(document) if isinstance(document, dict) else discover(issuer)


def _cache_key(issuer: str) -> str:
    return "sso:discovery:" + hashlib.sha256(issuer.encode()).hexdigest()


class RegistrationFailed(Exception):
    def __init__(self, message: str, *, token_refused: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.token_refused = token_refused


def register_client(
    discovery: Discovery, *, client_name: str, redirect_uri: str, scopes: list[str], initial_access_token: str
) -> dict[str, Any]:
    """Register the console as a confidential client (RFC 7591); returns the provider's client information."""
    metadata = {
        "client_name": client_name,
        "application_type": "web",
        "redirect_uris": [redirect_uri],
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "client_secret_basic",
        "id_token_signed_response_alg": SIGNING_ALGORITHM,
        "scope": " ".join(scopes),
    }
    headers = {"Accept": "application/json"}
    if initial_access_token:
        headers["Authorization"] = f"Bearer {initial_access_token}"
    try:
        response = http.post(discovery.registration_endpoint, json=metadata, headers=headers)
    except http.OutboundRefused:
        raise
    except http.OutboundError as exc:
        raise RegistrationFailed(f"The registration endpoint could not be reached: {exc}") from exc
    try:
        body = response.json()
    except http.OutboundError:
        body = {}
    body = body if isinstance(body, dict) else {}
    if response.status in (401, 403):
        detail = body.get("error_description") or body.get("error") or f"HTTP {response.status}"
        raise RegistrationFailed(f"The provider refused the initial access token ({detail}).", token_refused=True)
    if not response.ok:
        detail = body.get("error_description") or body.get("error") or f"HTTP {response.status}"
        raise RegistrationFailed(f"The provider refused the registration ({detail}).")
    if not body.get("client_id") or not body.get("client_secret"):
        raise RegistrationFailed("The provider's registration answer lacks client_id or client_secret.")
    return body
