"""Proxy tokens: what verification refuses (the proxy answers UNAUTHENTICATED for each), and expiry on our clock."""

import base64
import hashlib
import hmac
import json
from datetime import timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from apps.core import clock
from apps.workloads.proxy.tokens import TokenCache, bearer
from apps.workloads.session_tokens import InvalidToken, public_key, sign, verify


def _token(minutes: float = 5) -> str:
    return sign(session_id="SESSION001", target="INSTANCE01", subject="USER000001", expires_at=_in(minutes))


def _in(minutes: float):
    return clock.now() + timedelta(minutes=minutes)


def _claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _hs256(claims: dict, secret: bytes) -> str:
    """Signed by hand: PyJWT itself refuses an asymmetric key as an HMAC secret."""
    signing_input = f"{_b64({'alg': 'HS256', 'typ': 'JWT'})}.{_b64(claims)}"
    digest = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(digest).decode().rstrip('=')}"


def test_a_token_carries_the_session_and_its_routing_target():
    claims = verify(_token())
    assert (claims.session_id, claims.target, claims.subject) == ("SESSION001", "INSTANCE01", "USER000001")
    assert _claims(_token())["aud"] == "lakesail-session-proxy"


@pytest.mark.parametrize(
    "forge",
    [
        lambda claims: jwt.encode(claims, Ed25519PrivateKey.generate(), algorithm="EdDSA"),  # another key
        # The public key as an HMAC secret: an algorithm-confusion forgery.
        lambda claims: _hs256(claims, public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)),
        lambda claims: f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.",  # unsigned
        lambda claims: jwt.encode({**claims, "aud": "another-service"}, Ed25519PrivateKey.generate(), "EdDSA"),
    ],
    ids=["foreign-key", "hs256-confusion", "alg-none", "wrong-audience"],
)
def test_forged_tokens_are_refused(forge):
    with pytest.raises(InvalidToken):
        verify(forge(_claims(_token())))


def test_a_token_without_a_session_claim_is_refused(settings):
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    key = load_pem_private_key(settings.SESSION_TOKEN_PRIVATE_KEY.encode(), password=None)
    claims = {k: v for k, v in _claims(_token()).items() if k != "sid"}
    with pytest.raises(InvalidToken, match="sid"):
        verify(jwt.encode(claims, key, algorithm="EdDSA"))


def test_the_cache_verifies_once_and_still_sees_expiry():
    cache = TokenCache()
    token = _token(minutes=1)
    assert cache.claims(token).session_id == "SESSION001"
    with clock.frozen(_in(2)), pytest.raises(InvalidToken, match="expired"):
        cache.claims(token)


def test_only_a_bearer_authorization_counts():
    assert bearer([("authorization", "Bearer abc")]) == "abc"
    assert bearer([("authorization", "Basic abc")]) is None
    assert bearer([("x-other", "Bearer abc")]) is None
