import secrets
from collections.abc import Iterator

import pyotp
import pytest

from apps.core import clock as identity_clock
from apps.core.clock import FrozenClock
from apps.core.crypto import hash_secret
from apps.identity.models import ApiKey, ServiceAccount
from tests.conftest import ApiClient


@pytest.fixture
def clock() -> Iterator[FrozenClock]:
    """The identity domain's clock, frozen at the start of the test and moved by hand."""
    with identity_clock.frozen() as frozen:
        yield frozen


def totp_now(secret: str, clock: FrozenClock) -> str:
    return pyotp.TOTP(secret).at(clock.now())


@pytest.fixture
def alice_totp(api, clock) -> str:
    """Alice with an authenticator enrolled through the API; returns the TOTP secret."""
    secret = api.post("/me/mfa/totp").json()["secret"]
    assert api.post("/me/mfa/totp/confirm", {"code": totp_now(secret, clock)}).status_code == 200
    clock.advance(seconds=30)  # the enrollment code's step is spent
    return secret


@pytest.fixture
def service_api(acme) -> ApiClient:
    """A service account of Acme calling with an API key."""
    secret = "lsk_" + secrets.token_urlsafe(32)
    account = ServiceAccount.objects.create(organization=acme, username="ci-bot")
    ApiKey.objects.create(service_account=account, prefix=secret[:12], key_hash=hash_secret(secret))
    return ApiClient(secret, acme.pk)
