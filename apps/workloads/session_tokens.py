"""Session proxy tokens: short-lived EdDSA (Ed25519) JWTs the console signs and the proxy verifies.

Claims: `sid` the session, `tgt` the routing target (the session's compute instance), `sub` who it was issued to,
`aud`/`iss` fixed, `exp`. Verification takes a fixed algorithm list and the audience, so a token signed with
another key, another algorithm (`none`, HS256 with the public key as secret) or for another service is refused.
Expiry is checked against `apps.core.clock`, the one source of time.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key
from django.conf import settings

from apps.core import clock
from apps.core.ids import new_id

AUDIENCE = "lakesail-session-proxy"
ISSUER = "lakesail-console"
ALGORITHMS = ["EdDSA"]
REQUIRED_CLAIMS = ["exp", "iat", "aud", "iss", "sub", "sid", "tgt"]


class InvalidToken(Exception):
    """Missing, malformed, foreign (another key, audience or issuer) or expired: the message says which."""


@dataclass(frozen=True)
class TokenClaims:
    session_id: str
    target: str  # the compute instance the session runs on
    subject: str
    expires_at: datetime

    @property
    def expired(self) -> bool:
        return self.expires_at <= clock.now()


@cache
def _private_key(pem: str) -> Ed25519PrivateKey:
    key = load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise TypeError("SESSION_TOKEN_PRIVATE_KEY must be an Ed25519 private key (PEM)")
    return key


@cache
def _public_key(pem: str, private_pem: str) -> Ed25519PublicKey:
    key = load_pem_public_key(pem.encode()) if pem else _private_key(private_pem).public_key()
    if not isinstance(key, Ed25519PublicKey):
        raise TypeError("SESSION_TOKEN_PUBLIC_KEY must be an Ed25519 public key (PEM)")
    return key


def public_key() -> Ed25519PublicKey:
    return _public_key(settings.SESSION_TOKEN_PUBLIC_KEY, settings.SESSION_TOKEN_PRIVATE_KEY)


def sign(*, session_id: str, target: str, subject: str, expires_at: datetime) -> str:
    now = clock.now()
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": subject,
        "sid": session_id,
        "tgt": target,
        "iat": int(now.timestamp()),
        "exp": int(expires_at.timestamp()),
        "jti": new_id(),
    }
    return jwt.encode(claims, _private_key(settings.SESSION_TOKEN_PRIVATE_KEY), algorithm="EdDSA")


def verify(token: str) -> TokenClaims:
    """The token's claims if it is ours and well-formed; expiry is the caller's check (`claims.expired`), so a
    verified token can be cached and still refused once it expires."""
    try:
        claims = jwt.decode(
            token,
            public_key(),
            algorithms=ALGORITHMS,
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": REQUIRED_CLAIMS, "verify_exp": False, "verify_iat": False},
        )
    except jwt.InvalidTokenError as exc:
        raise InvalidToken(f"The session token is not valid: {exc}") from exc
    if not all(isinstance(claims[name], str) and claims[name] for name in ("sid", "tgt", "sub")):
        raise InvalidToken("The session token is not valid: malformed claims")
    return TokenClaims(
        session_id=claims["sid"],
        target=claims["tgt"],
        subject=claims["sub"],
        expires_at=datetime.fromtimestamp(int(claims["exp"]), tz=UTC),
    )
