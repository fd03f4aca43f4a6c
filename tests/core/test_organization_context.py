from apps.core.crypto import hash_secret
from apps.core.operations import operation_create
from apps.identity.models import ApiKey, ServiceAccount
from apps.org.services.organizations import member_add
from tests.conftest import ApiClient


def test_another_orgs_id_in_the_header_is_a_404_with_no_data(api, charlie, globex):
    op = operation_create(organization_id=globex.pk, operation="diagnostics")
    response = ApiClient(api.token, globex.pk).get(f"/operations/{op.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "organization_not_found"
    assert op.pk not in response.content.decode()


def test_without_a_header_a_single_membership_is_the_organization(api, acme):
    op = operation_create(organization_id=acme.pk, operation="diagnostics")
    assert ApiClient(api.token).get(f"/operations/{op.pk}").status_code == 200


def test_without_a_header_several_memberships_must_choose(api, alice, acme, globex):
    member_add(org=globex, user=alice, role_keys=["member"])
    op = operation_create(organization_id=acme.pk, operation="diagnostics")
    response = ApiClient(api.token).get(f"/operations/{op.pk}")
    assert response.status_code == 400
    assert "LakeSail-Organization-Id" in response.json()["details"]["fieldErrors"]
    assert ApiClient(api.token, acme.pk).get(f"/operations/{op.pk}").status_code == 200


def test_an_object_of_another_org_is_not_found_even_with_a_valid_org(api, globex):
    op = operation_create(organization_id=globex.pk, operation="diagnostics")
    assert api.get(f"/operations/{op.pk}").status_code == 404


def test_a_service_account_key_authenticates_in_its_own_org_only(acme, globex):
    account = ServiceAccount.objects.create(organization=acme, username="ci-deploy-bot")
    ApiKey.objects.create(service_account=account, prefix="lsk_abcd", key_hash=hash_secret("lsk_abcdsecret"))
    me = ApiClient("lsk_abcdsecret").get("/me")
    assert me.status_code == 200
    assert me.json()["serviceAccount"]["username"] == "ci-deploy-bot" and me.json()["user"] is None
    op = operation_create(organization_id=acme.pk, operation="diagnostics")
    assert ApiClient("lsk_abcdsecret", globex.pk).get(f"/operations/{op.pk}").status_code == 404


def test_a_revoked_api_key_is_refused(acme):
    from django.utils import timezone

    account = ServiceAccount.objects.create(organization=acme, username="bot")
    ApiKey.objects.create(
        service_account=account, prefix="lsk_x", key_hash=hash_secret("lsk_xsecret"), revoked_at=timezone.now()
    )
    assert ApiClient("lsk_xsecret").get("/me").status_code == 401


def test_a_disabled_member_loses_the_organization(api, alice, acme):
    alice.memberships.update(is_enabled=False)
    op = operation_create(organization_id=acme.pk, operation="diagnostics")
    assert api.get(f"/operations/{op.pk}").status_code == 404
