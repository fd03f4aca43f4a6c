from datetime import timedelta

from django.db import connection
from django.utils import timezone

from apps.identity.models import Login
from apps.identity.sso.models import IdentityProvider

SECRET = "s3cret-client-value-1"


def body(issuer: str, **overrides) -> dict:
    data = {
        "identityProviderTypeId": "keycloak",
        "name": "Acme Keycloak",
        "configWrite": {
            "oidc": {"issuer": issuer, "clientId": "console", "clientSecret": SECRET, "scopes": ["openid", "email"]}
        },
    }
    data.update(overrides)
    return data


def test_it_lists_the_provider_types_with_dcr_capabilities(api):
    items = api.get("/auth/identity-provider-types").json()["items"]
    assert [t["id"] for t in items] == ["keycloak", "okta", "azure-ad", "google-workspace", "auth0", "generic-oidc"]
    by_id = {t["id"]: t for t in items}
    assert by_id["keycloak"]["capabilities"]["dcr"] == {
        "supported": True,
        "requiresToken": True,
        "tokenType": "initial_access_token",
    }
    assert by_id["azure-ad"]["capabilities"]["dcr"]["supported"] is False
    assert by_id["google-workspace"]["metadata"]["defaultIssuer"] == "https://accounts.google.com"


def test_provider_types_need_authentication(anon):
    assert anon.get("/auth/identity-provider-types").status_code == 401


def test_it_creates_an_identity_provider_and_never_returns_the_secret(api, provider_a):
    response = api.post("/auth/idps", body(provider_a.issuer))
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["config"]["oidc"] == {
        "issuer": provider_a.issuer,
        "clientId": "console",
        "clientSecretConfigured": True,
        "scopes": ["openid", "email"],
    }
    assert created["configWrite"] is None
    assert SECRET not in response.content.decode()
    assert created["createdBy"] == created["updatedBy"]


def test_the_client_secret_is_encrypted_at_rest(api, provider_a):
    idp_id = api.post("/auth/idps", body(provider_a.issuer)).json()["id"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT client_secret FROM sso_identityprovider WHERE id = %s", [idp_id])
        (stored,) = cursor.fetchone()
    assert SECRET not in stored
    assert IdentityProvider.objects.get(pk=idp_id).client_secret == SECRET


def test_create_validates_the_body(api):
    response = api.post(
        "/auth/idps",
        {"identityProviderTypeId": "nope", "name": "", "configWrite": {"oidc": {"issuer": "not a url"}}},
    )
    assert response.status_code == 400
    errors = response.json()["details"]["fieldErrors"]
    assert {"identityProviderTypeId", "name", "configWrite.oidc.clientId", "configWrite.oidc.clientSecret"} <= set(
        errors
    )


def test_create_refuses_an_issuer_without_http_scheme_and_scopes_without_openid(api, provider_a):
    response = api.post("/auth/idps", body("ftp://idp.example.test"))
    assert response.status_code == 400
    assert "configWrite.oidc.issuer" in response.json()["details"]["fieldErrors"]
    data = body(provider_a.issuer)
    data["configWrite"]["oidc"]["scopes"] = ["email"]
    response = api.post("/auth/idps", data)
    assert response.json()["details"]["fieldErrors"] == {"configWrite.oidc.scopes": "Must include openid."}


def test_a_second_provider_with_the_same_name_is_a_conflict(api, provider_a):
    assert api.post("/auth/idps", body(provider_a.issuer)).status_code == 201
    assert api.post("/auth/idps", body(provider_a.issuer)).status_code == 409


def test_a_member_may_read_but_not_configure(api, api_as, bob, acme, provider_a):
    idp_id = api.post("/auth/idps", body(provider_a.issuer)).json()["id"]
    as_bob = api_as(bob, acme)
    assert as_bob.get("/auth/idps").json()["items"][0]["id"] == idp_id
    assert as_bob.get(f"/auth/idps/{idp_id}").status_code == 200
    assert as_bob.post("/auth/idps", body(provider_a.issuer, name="Bob's")).status_code == 403
    assert as_bob.patch(f"/auth/idps/{idp_id}", {"name": "Renamed"}).status_code == 403
    assert as_bob.delete(f"/auth/idps/{idp_id}").status_code == 403
    assert as_bob.post(f"/auth/idps/{idp_id}/rotate-secret", {"clientSecret": "x"}).status_code == 403
    assert as_bob.post(f"/auth/idps/{idp_id}/test-connection").status_code == 403
    assert as_bob.post("/auth/idps/auto-setup", {"name": "x", "providerUrl": provider_a.issuer}).status_code == 403


def test_another_organization_sees_none_of_them(api, api_as, charlie, globex, provider_a):
    idp_id = api.post("/auth/idps", body(provider_a.issuer)).json()["id"]
    as_charlie = api_as(charlie, globex)
    assert as_charlie.get("/auth/idps").json()["items"] == []
    assert as_charlie.get(f"/auth/idps/{idp_id}").status_code == 404
    assert as_charlie.patch(f"/auth/idps/{idp_id}", {"name": "Mine"}).status_code == 404
    assert as_charlie.delete(f"/auth/idps/{idp_id}").status_code == 404
    assert as_charlie.post(f"/auth/idps/{idp_id}/rotate-secret", {"clientSecret": "x"}).status_code == 404
    assert as_charlie.post(f"/auth/idps/{idp_id}/test-connection").status_code == 404
    assert IdentityProvider.objects.get(pk=idp_id).name == "Acme Keycloak"


def test_the_list_is_marker_paginated(api, provider_a):
    for n in range(3):
        assert api.post("/auth/idps", body(provider_a.issuer, name=f"IdP {n}")).status_code == 201
    first = api.get("/auth/idps?limit=2", max_queries=8).json()
    assert [i["name"] for i in first["items"]] == ["IdP 0", "IdP 1"]
    rest = api.get(f"/auth/idps?limit=2&marker={first['marker']}").json()
    assert [i["name"] for i in rest["items"]] == ["IdP 2"] and "marker" not in rest
    assert api.get("/auth/idps?limit=500").status_code == 400


def test_it_describes_updates_and_deletes_a_provider(api, provider_a, provider_b):
    idp_id = api.post("/auth/idps", body(provider_a.issuer)).json()["id"]
    described = api.get(f"/auth/idps/{idp_id}").json()
    assert described["name"] == "Acme Keycloak" and described["config"]["oidc"]["clientSecretConfigured"] is True
    updated = api.patch(
        f"/auth/idps/{idp_id}",
        {
            "name": "Renamed",
            "configWrite": {"oidc": {"issuer": provider_b.issuer}},
            "allowedEmailDomains": ["Acme.test"],
        },
    )
    assert updated.status_code == 200, updated.json()
    assert updated.json()["config"]["oidc"]["issuer"] == provider_b.issuer
    assert updated.json()["config"]["oidc"]["clientId"] == "console"  # untouched
    assert updated.json()["allowedEmailDomains"] == ["acme.test"]
    assert IdentityProvider.objects.get(pk=idp_id).client_secret == SECRET
    assert api.delete(f"/auth/idps/{idp_id}").status_code == 204
    assert api.get(f"/auth/idps/{idp_id}").status_code == 404


def test_update_validates(api, provider_a):
    idp_id = api.post("/auth/idps", body(provider_a.issuer)).json()["id"]
    response = api.patch(f"/auth/idps/{idp_id}", {"name": "", "allowedEmailDomains": ["not a domain"]})
    assert response.status_code == 400
    response = api.patch(f"/auth/idps/{idp_id}", {"allowedEmailDomains": ["not a domain"]})
    assert response.json()["details"]["fieldErrors"] == {"allowedEmailDomains": "Give domains like example.com."}


def test_rotating_the_secret_replaces_it_without_showing_it(api, provider_a):
    idp_id = api.post("/auth/idps", body(provider_a.issuer)).json()["id"]
    response = api.post(f"/auth/idps/{idp_id}/rotate-secret", {"clientSecret": "rotated-secret-2"})
    assert response.status_code == 200
    assert response.json()["config"]["oidc"]["clientSecretConfigured"] is True
    assert IdentityProvider.objects.get(pk=idp_id).client_secret == "rotated-secret-2"
    assert api.post(f"/auth/idps/{idp_id}/rotate-secret", {"clientSecret": ""}).status_code == 400
    assert api.post(f"/auth/idps/{idp_id}/rotate-secret", {}).json()["details"]["fieldErrors"] == {
        "clientSecret": "This field is required."
    }


def test_secret_operations_need_a_recent_sign_in(api, alice, provider_a):
    idp_id = api.post("/auth/idps", body(provider_a.issuer)).json()["id"]
    Login.objects.filter(user=alice).update(auth_time=timezone.now() - timedelta(minutes=16))
    response = api.post(f"/auth/idps/{idp_id}/rotate-secret", {"clientSecret": "rotated-secret-3"})
    assert response.status_code == 401 and response.json()["code"] == "reauth_required"
    assert api.post("/auth/idps", body(provider_a.issuer, name="Other")).json()["code"] == "reauth_required"
    assert api.patch(f"/auth/idps/{idp_id}", {"name": "Still fine"}).status_code == 200
