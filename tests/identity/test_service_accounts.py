"""Service accounts and API keys: keys shown once, stored hashed, revocable, expiring, header-only."""

from datetime import timedelta

from django.utils import timezone

from apps.identity.models import ApiKey
from tests.conftest import PASSWORD, ApiClient


def create_account(api, username="ci-deploy"):
    response = api.post("/org/service-accounts", {"username": username, "description": "Deploys"})
    assert response.status_code == 201
    return response.json()


def test_service_account_crud(api, acme):
    account = create_account(api)
    assert account["enabled"] is True
    assert [a["username"] for a in api.get("/org/service-accounts", max_queries=8).json()["items"]] == ["ci-deploy"]
    path = f"/org/service-accounts/{account['id']}"
    assert api.get(path).json()["description"] == "Deploys"
    assert api.patch(path, {"description": "Ships"}).json()["description"] == "Ships"
    assert api.delete(path).status_code == 204
    assert api.get(path).status_code == 404


def test_service_account_validation(api, acme):
    create_account(api)
    assert api.post("/org/service-accounts", {"username": "Has Spaces"}).status_code == 400
    assert api.post("/org/service-accounts", {"username": "ci-deploy"}).status_code == 409


def test_a_key_is_shown_once_stored_hashed_and_works_as_a_bearer_token(api, acme):
    account = create_account(api)
    created = api.post(f"/org/service-accounts/{account['id']}/keys", {"name": "deploy"})
    assert created.status_code == 201
    secret = created.json()["secret"]
    assert secret.startswith("lsk_") and len(secret) >= 4 + 43  # 256 random bits
    key = ApiKey.objects.get(pk=created.json()["id"])
    assert secret not in (key.key_hash, key.prefix) and len(key.key_hash) == 64
    listed = api.get(f"/org/service-accounts/{account['id']}/keys", max_queries=8).json()["items"]
    assert listed[0]["prefix"] == secret[:12] and "secret" not in listed[0]
    as_key = ApiClient(secret, acme.pk)
    me = as_key.get("/me").json()
    assert me["serviceAccount"]["username"] == "ci-deploy" and me["user"] is None
    assert ApiKey.objects.get(pk=key.pk).last_used_at is not None
    assert api.get(f"/org/service-accounts/{account['id']}/keys").json()["items"][0]["lastUsedAt"]


def test_a_revoked_key_gets_401_on_its_next_request(api, acme):
    account = create_account(api)
    created = api.post(f"/org/service-accounts/{account['id']}/keys", {}).json()
    as_key = ApiClient(created["secret"], acme.pk)
    assert as_key.get("/me").status_code == 200
    assert api.delete(f"/org/service-accounts/{account['id']}/keys/{created['id']}").status_code == 204
    assert as_key.get("/me").status_code == 401
    assert api.delete(f"/org/service-accounts/{account['id']}/keys/{created['id']}").status_code == 404


def test_keys_expire(api, acme, clock):
    account = create_account(api)
    expires = (timezone.now() + timedelta(days=1)).isoformat()
    past = (timezone.now() - timedelta(days=1)).isoformat()
    assert api.post(f"/org/service-accounts/{account['id']}/keys", {"expiresAt": past}).status_code == 400
    created = api.post(f"/org/service-accounts/{account['id']}/keys", {"expiresAt": expires}).json()
    assert created["expiresAt"]
    clock.advance(days=1, seconds=1)
    assert ApiClient(created["secret"], acme.pk).get("/me").status_code == 401


def test_a_key_in_the_query_string_is_not_accepted(api, acme):
    account = create_account(api)
    secret = api.post(f"/org/service-accounts/{account['id']}/keys", {}).json()["secret"]
    for name in ("token", "api_key", "access_token", "key"):
        assert ApiClient().get(f"/me?{name}={secret}").status_code == 401


def test_creating_a_key_needs_a_recent_sign_in(api, acme, clock):
    account = create_account(api)
    clock.advance(minutes=16)
    stale = api.post(f"/org/service-accounts/{account['id']}/keys", {})
    assert stale.status_code == 401 and stale.json()["code"] == "reauth_required"
    api.post("/auth/reauth", {"password": PASSWORD})
    assert api.post(f"/org/service-accounts/{account['id']}/keys", {}).status_code == 201


def test_a_disabled_account_keys_stop_working(api, acme):
    account = create_account(api)
    secret = api.post(f"/org/service-accounts/{account['id']}/keys", {}).json()["secret"]
    api.patch(f"/org/service-accounts/{account['id']}", {"enabled": False})
    assert ApiClient(secret, acme.pk).get("/me").status_code == 401


def test_a_member_cannot_manage_service_accounts(api, api_as, bob, acme):
    account = create_account(api)
    as_bob = api_as(bob, acme)
    assert as_bob.post("/org/service-accounts", {"username": "x"}).status_code == 403
    assert as_bob.patch(f"/org/service-accounts/{account['id']}", {"description": "x"}).status_code == 403
    assert as_bob.delete(f"/org/service-accounts/{account['id']}").status_code == 403
    assert as_bob.post(f"/org/service-accounts/{account['id']}/keys", {}).status_code == 403


def test_another_org_sees_404(api, api_as, charlie, globex):
    account = create_account(api)
    key = api.post(f"/org/service-accounts/{account['id']}/keys", {}).json()
    as_charlie = api_as(charlie, globex)
    assert as_charlie.get("/org/service-accounts").json()["items"] == []
    for path in [f"/org/service-accounts/{account['id']}", f"/org/service-accounts/{account['id']}/keys"]:
        assert as_charlie.get(path).status_code == 404
    assert as_charlie.delete(f"/org/service-accounts/{account['id']}/keys/{key['id']}").status_code == 404
    assert as_charlie.patch(f"/org/service-accounts/{account['id']}", {"description": "x"}).status_code == 404


def test_a_manager_of_service_accounts_cannot_mint_keys_for_a_stronger_account(api_as, bob, acme):
    """The escalation: a key for an account holding CanManagePolicies, then a policy granting oneself anything."""
    from apps.identity.models import ServiceAccount
    from apps.org.models import Policy

    Policy.objects.create(
        organization=acme,
        principal_id=bob.pk,
        principal_type="user",
        permissions=["CanManageServiceAccounts", "CanViewServiceAccounts"],
    )
    strong = ServiceAccount.objects.create(organization=acme, username="policy-bot")
    Policy.objects.create(
        organization=acme, principal_id=strong.pk, principal_type="service_account", permissions=["CanManagePolicies"]
    )
    as_bob = api_as(bob, acme)
    minted = as_bob.post(f"/org/service-accounts/{strong.pk}/keys", {"name": "mine"})
    assert minted.status_code == 403 and minted.json()["details"]["causedBy"] == "CanManagePolicies"
    assert not ApiKey.objects.filter(service_account=strong).exists()
    assert as_bob.patch(f"/org/service-accounts/{strong.pk}", {"description": "x"}).status_code == 403
    assert as_bob.delete(f"/org/service-accounts/{strong.pk}").status_code == 403
    key = ApiKey.objects.create(service_account=strong, prefix="lsk_x", key_hash="0" * 64)
    assert as_bob.delete(f"/org/service-accounts/{strong.pk}/keys/{key.pk}").status_code == 403
    weak = create_account(as_bob, "weak-bot")  # an account within bob's own grants stays his to manage
    assert as_bob.post(f"/org/service-accounts/{weak['id']}/keys", {"name": "ok"}).status_code == 201
