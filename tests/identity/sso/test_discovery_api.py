"""test-connection and auto-setup against a real OpenID provider, and against servers that get discovery wrong."""

import pytest
import requests

from apps.identity.sso.models import IdentityProvider


def make(api, issuer: str, name: str = "Acme SSO") -> str:
    body = {
        "identityProviderTypeId": "generic-oidc",
        "name": name,
        "configWrite": {"oidc": {"issuer": issuer, "clientId": "console", "clientSecret": "client-secret-9"}},
        "enabled": False,  # hidden: an offered provider must pass its connection test first
    }
    response = api.post("/auth/idps", body)
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def test_test_connection_reports_what_the_provider_offers(api, provider_a):
    idp_id = make(api, provider_a.issuer)
    report = api.post(f"/auth/idps/{idp_id}/test-connection").json()
    assert report["success"] is True and report["reason"] is None
    details = report["details"]
    assert details["issuer"] == provider_a.issuer
    assert details["endpoints"] == {
        "authorization": f"{provider_a.issuer}/auth",
        "token": f"{provider_a.issuer}/token",
        "userinfo": f"{provider_a.issuer}/me",
        "jwks": f"{provider_a.issuer}/jwks",
        "endSession": f"{provider_a.issuer}/session/end",
    }
    assert details["backchannelLogoutSupported"] is True
    assert details["frontchannelLogoutSupported"] is False
    assert {"openid", "email", "profile"} <= set(details["scopesSupported"])
    assert {"sub", "email", "email_verified"} <= set(details["claimsSupported"])


@pytest.mark.parametrize(
    ("path", "reason"),
    [("mismatch", "issuer_mismatch"), ("badjson", "invalid_json"), ("missing", "http_error")],
)
def test_test_connection_reports_each_failure(api, broken_idp, path, reason):
    idp_id = make(api, f"{broken_idp}/{path}")
    report = api.post(f"/auth/idps/{idp_id}/test-connection").json()
    assert report["success"] is False
    assert report["reason"] == reason and report["details"] is None
    assert report["message"]


def test_test_connection_reports_a_timeout(api, broken_idp, settings):
    settings.OUTBOUND_HTTP_TIMEOUT_SECONDS = 0.5
    idp_id = make(api, f"{broken_idp}/slow")
    report = api.post(f"/auth/idps/{idp_id}/test-connection").json()
    assert (report["success"], report["reason"]) == (False, "timeout")


def test_test_connection_reports_an_unreachable_provider(api, unused_port):
    idp_id = make(api, f"http://127.0.0.1:{unused_port}")
    report = api.post(f"/auth/idps/{idp_id}/test-connection").json()
    assert (report["success"], report["reason"]) == (False, "unreachable")


def test_a_redirect_to_a_private_address_is_refused(api, broken_idp):
    idp_id = make(api, f"{broken_idp}/redirect-private")
    response = api.post(f"/auth/idps/{idp_id}/test-connection")
    assert response.status_code == 400 and response.json()["code"] == "address_not_allowed"


def auto_setup(api, provider, **overrides):
    body = {
        "name": "Auto SSO",
        "providerUrl": provider.issuer,
        "providerType": "keycloak",
        "initialAccessToken": provider.initial_access_token,
    }
    return api.post("/auth/idps/auto-setup", {**body, **overrides})


def test_auto_setup_registers_a_client_at_the_provider(api, provider_a):
    response = auto_setup(api, provider_a)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["identityProviderTypeId"] == "keycloak"
    assert created["config"]["oidc"]["issuer"] == provider_a.issuer
    assert created["config"]["oidc"]["clientSecretConfigured"] is True
    assert created["config"]["oidc"]["scopes"] == ["openid", "email", "profile"]
    idp = IdentityProvider.objects.get(pk=created["id"])
    # The provider knows the client it issued: its registration access token reads it back (RFC 7592).
    registered = requests.get(
        idp.registration_client_uri,
        headers={"Authorization": f"Bearer {idp.registration_access_token}"},
        timeout=10,
    ).json()
    assert registered["client_id"] == idp.client_id
    assert registered["redirect_uris"] == ["http://testserver/sso/callback"]
    assert registered["token_endpoint_auth_method"] == "client_secret_basic"


def test_auto_setup_reports_a_refused_initial_access_token(api, provider_a):
    response = auto_setup(api, provider_a, initialAccessToken="wrong-token")
    assert response.status_code == 400
    assert response.json()["code"] == "registration_failed"
    assert "initialAccessToken" in response.json()["details"]["fieldErrors"]
    assert not IdentityProvider.objects.exists()


def test_auto_setup_needs_a_registration_endpoint(api, broken_idp, provider_a):
    response = auto_setup(api, provider_a, providerUrl=f"{broken_idp}/noreg")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "registration_not_supported"
    assert "registration_endpoint" in body["message"] and "POST /auth/idps" in body["message"]


def test_auto_setup_refuses_types_without_registration_and_missing_tokens(api, provider_a):
    response = auto_setup(api, provider_a, providerType="azure-ad")
    assert response.json()["code"] == "registration_not_supported"
    response = auto_setup(api, provider_a, initialAccessToken="")
    assert response.json()["details"]["fieldErrors"] == {"initialAccessToken": "Required."}


def test_auto_setup_validates_the_body(api):
    response = api.post("/auth/idps/auto-setup", {"providerType": "nope"})
    assert response.status_code == 400
    assert {"name", "providerUrl", "providerType"} <= set(response.json()["details"]["fieldErrors"])


def test_auto_setup_reports_a_failed_discovery(api, broken_idp, provider_a):
    response = auto_setup(api, provider_a, providerUrl=f"{broken_idp}/mismatch")
    assert response.status_code == 400 and response.json()["code"] == "discovery_issuer_mismatch"
