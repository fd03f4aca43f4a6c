"""What the backend demands of an ID token beyond the library's checks: RS256, our audience, the issuer, a lifetime."""

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import SuspiciousOperation

from apps.identity.sso.backends import IdentityProviderBackend

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def backend() -> IdentityProviderBackend:
    backend = IdentityProviderBackend()
    backend.issuer = "https://idp.example.test"
    backend.OIDC_RP_CLIENT_ID = "console"
    return backend


def token(algorithm: str = "RS256", key=KEY, **claims) -> str:
    now = int(time.time())
    payload = {"iss": "https://idp.example.test", "aud": "console", "sub": "s-1", "iat": now, "exp": now + 300}
    payload.update(claims)
    return jwt.encode({k: v for k, v in payload.items() if v is not None}, key, algorithm=algorithm)


def test_a_proper_token_passes(backend):
    assert backend.get_payload_data(token(), KEY.public_key())["sub"] == "s-1"


@pytest.mark.parametrize(
    ("claims", "error"),
    [
        ({"aud": "another-client"}, jwt.InvalidAudienceError),
        ({"iss": "https://evil.example.test"}, jwt.InvalidIssuerError),
        ({"exp": int(time.time()) - 3600}, jwt.ExpiredSignatureError),
        ({"exp": None}, jwt.MissingRequiredClaimError),
        ({"sub": None}, jwt.MissingRequiredClaimError),
    ],
)
def test_a_token_for_someone_else_or_out_of_date_is_refused(backend, claims, error):
    with pytest.raises(error):
        backend.get_payload_data(token(**claims), KEY.public_key())


def test_a_token_signed_by_another_key_is_refused(backend):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(jwt.InvalidSignatureError):
        backend.get_payload_data(token(key=other), KEY.public_key())


def test_only_rs256_is_accepted(backend):
    with pytest.raises(jwt.InvalidAlgorithmError):
        backend.get_payload_data(token("HS256", key="a-shared-secret-of-32-bytes-len!"), KEY.public_key())


def test_several_audiences_need_our_azp(backend):
    with pytest.raises(SuspiciousOperation):
        backend.get_payload_data(token(aud=["console", "other"]), KEY.public_key())
    assert backend.get_payload_data(token(aud=["console", "other"], azp="console"), KEY.public_key())


def test_nonce_and_pkce_are_always_on(backend):
    assert backend.get_settings("OIDC_USE_NONCE") is True
    assert backend.get_settings("OIDC_USE_PKCE") is True
    assert backend.get_settings("OIDC_RP_SIGN_ALGO") == "RS256"


def test_the_backend_ignores_requests_outside_the_sso_callback(backend, rf):
    assert backend.authenticate(rf.get("/login/"), username="a", password="b") is None
