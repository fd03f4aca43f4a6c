"""The re-authentication window: every MFA change, email change, password change and API-key creation needs a
sign-in younger than AUTH_REAUTH_SECONDS, decided by the services (the API and the console alike)."""

import pytest
from django.test import Client

from apps.identity.models import ServiceAccount, UserEmail
from apps.identity.services.mfa import totp_enroll_start
from tests.conftest import PASSWORD
from tests.identity.conftest import totp_now

STALE = 16 * 60  # seconds: past the 15-minute window, inside the 30-minute idle limit


def _verified_address(user, email):
    UserEmail.objects.create(user=user, email=email, verified_at="2026-01-01T00:00:00Z")
    return email


SENSITIVE = {
    "start an authenticator": lambda c, ctx: c.post("/me/mfa/totp"),
    "confirm an authenticator": lambda c, ctx: c.post("/me/mfa/totp/confirm", {"code": ctx["code"]()}),
    "new recovery codes": lambda c, ctx: c.post("/me/mfa/recovery-codes"),
    "reset my MFA": lambda c, ctx: c.delete("/me/mfa"),
    "change my login email": lambda c, ctx: c.patch("/me", {"email": ctx["address"]}),
    "change my password": lambda c, ctx: c.post(
        "/me/password", {"currentPassword": PASSWORD, "newPassword": "a fresh long phrase"}
    ),
    "create an API key": lambda c, ctx: c.post(f"/org/service-accounts/{ctx['account']}/keys", {"name": "ci"}),
    "reset a member's password": lambda c, ctx: c.post(f"/org/users/{ctx['bob']}/password/reset"),
    "reset a member's MFA": lambda c, ctx: c.delete(f"/org/users/{ctx['bob']}/mfa"),
    "change a member's email": lambda c, ctx: c.patch(f"/org/users/{ctx['bob']}", {"email": "robert@acme.test"}),
}


@pytest.fixture
def context(api, alice, bob, acme, clock):
    """What each sensitive call needs, prepared while the sign-in is fresh."""
    from apps.identity.models import TotpDevice

    totp_enroll_start(user=alice, credential=api_login(alice))
    secret = TotpDevice.objects.get(user=alice).secret
    return {
        "code": lambda: totp_now(secret, clock),
        "address": _verified_address(alice, "alice@home.test"),
        "account": ServiceAccount.objects.create(organization=acme, username="ci-bot").pk,
        "bob": bob.pk,
    }


def api_login(user):
    from apps.identity.services.logins import login_create

    return login_create(user=user)[0]


def _enable_mfa(alice, context, clock):
    """For the calls that need MFA on (recovery codes, reset): confirm now, while fresh."""
    from apps.identity.services.mfa import totp_enroll_confirm

    totp_enroll_confirm(user=alice, credential=api_login(alice), code=context["code"]())
    clock.advance(seconds=30)


@pytest.mark.parametrize("action", list(SENSITIVE), ids=list(SENSITIVE))
def test_a_stale_sign_in_is_asked_to_reauthenticate_then_allowed(action, api, alice, context, clock):
    if action in ("new recovery codes", "reset my MFA"):
        _enable_mfa(alice, context, clock)
    clock.advance(seconds=STALE)
    refused = SENSITIVE[action](api, context)
    assert refused.status_code == 401 and refused.json()["code"] == "reauth_required", refused.json()
    assert api.post("/auth/reauth", {"password": PASSWORD}).status_code == 200
    assert SENSITIVE[action](api, context).status_code < 300


def test_the_console_sends_a_stale_sign_in_to_the_reauth_page(alice, clock):
    client = Client()
    client.post("/login/", {"email": alice.email, "password": PASSWORD})
    clock.advance(seconds=STALE)
    for path in ("/identity/mfa/totp", "/identity/mfa/recovery-codes", "/identity/mfa/reset"):
        response = client.post(path)
        assert response.status_code == 302 and response["Location"].startswith("/identity/reauth/"), path
    changed = client.post("/identity/password", {"password": PASSWORD, "new_password": "a fresh long phrase"})
    assert changed["Location"].startswith("/identity/reauth/")
    client.post("/identity/reauth/", {"password": PASSWORD})
    started = client.post("/identity/mfa/totp")
    assert started.status_code == 200 and "totp-secret" in started.content.decode()
