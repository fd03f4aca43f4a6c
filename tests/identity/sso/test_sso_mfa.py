"""SSO sign-ins take the console's one sign-in path: MFA applies unless the organization lets its SSO skip it."""

from apps.identity.sso.models import FederatedIdentity
from tests.identity.conftest import totp_now
from tests.identity.sso.test_sso_login import signed_in_user, sso_sign_in


def _linked(idp, user) -> None:
    FederatedIdentity.objects.create(identity_provider=idp, subject="alice-at-a", user=user, email=user.email)


def test_an_sso_sign_in_of_an_account_with_mfa_asks_for_the_second_factor(
    client, acme, alice, alice_totp, provider_a, make_idp, clock
):
    idp = make_idp(acme)
    _linked(idp, alice)
    response = sso_sign_in(client, provider_a, idp, "alice@acme.test")
    assert response["Location"] == "/login/verify/"
    assert signed_in_user(client) is None
    done = client.post("/login/verify/", {"method": "totp", "code": totp_now(alice_totp, clock)})
    assert done["Location"] == "/"
    assert signed_in_user(client) == alice
    assert client.session["organization_id"] == acme.pk  # the console acts in the provider's organization


def test_an_organization_may_let_its_sso_skip_the_consoles_mfa(
    client, acme, alice, alice_totp, provider_a, make_idp, clock
):
    acme.settings["auth"]["ssoSkipsMfa"] = True
    acme.save()
    idp = make_idp(acme)
    _linked(idp, alice)
    assert sso_sign_in(client, provider_a, idp, "alice@acme.test")["Location"] == "/"
    assert signed_in_user(client) == alice


def test_skipping_mfa_is_for_sso_only(client, acme, alice, alice_totp):
    from tests.conftest import PASSWORD

    acme.settings["auth"]["ssoSkipsMfa"] = True
    acme.save()
    assert client.post("/login/", {"email": "alice@acme.test", "password": PASSWORD})["Location"] == "/login/verify/"
