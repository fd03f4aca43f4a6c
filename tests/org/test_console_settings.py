"""Organization settings: the console page and PATCH /org/settings (one service), two-factor authentication
required after a grace period (console gate and API 403 `mfa_required`), single sign-on required, and the
organization switcher."""

import re
import secrets

import pyotp
import pytest
from django.test import Client

from apps.core import clock
from apps.core.audit import AuditEvent
from apps.core.crypto import hash_secret
from apps.core.errors import InvalidInput
from apps.identity.models import ApiKey, ServiceAccount
from apps.identity.services.users import user_create
from apps.identity.sso.models import IdentityProvider
from apps.org.models import Member, Organization
from apps.org.services.organizations import member_add, organization_create, organization_update
from apps.org.services.policies import policy_set
from tests.conftest import PASSWORD, ApiClient
from tests.org.test_console_pages import console_as

HTMX = {"HTTP_HX_REQUEST": "true"}


def settings_form(org: Organization, **changes) -> dict:
    form = {
        "name": org.name,
        "slug": org.slug,
        "default_role": org.default_org_role_id,
        "default_team": "",
        "mfa_grace_days": 7,
        "min_password_length": 8,
        "login_idle_minutes": 0,
        "login_max_hours": 0,
        "max_running_workloads": 10,
        "max_concurrent_clients": 20,
        "max_sessions_per_member": 5,
    }
    return {**form, **changes}


def test_an_owner_renames_the_organization_and_requires_mfa_from_the_settings_page(alice, acme):
    client = console_as(alice)
    page = client.get("/org/settings/").content.decode()
    assert "Require two-factor authentication for every member" in page and f"/login/?org={acme.slug}" in page
    with clock.frozen() as now:
        response = client.post("/org/settings/", settings_form(acme, name="Acme Inc", slug="acme", require_mfa="on"))
    assert response.status_code == 302 and response["Location"] == "/org/settings/"
    acme.refresh_from_db()
    assert (acme.name, acme.slug) == ("Acme Inc", "acme")
    assert acme.settings["auth"]["requireMfa"] is True and acme.settings["auth"]["mfaGracePeriodDays"] == 7
    assert acme.settings["auth"]["requireMfaSince"] == now.now().isoformat()
    assert acme.settings["sessions"]["maxRunningWorkloads"] == 10  # the rest of the tree is kept
    event = AuditEvent.objects.get(action="organization.update")
    assert event.changes["name"] == "Acme Inc" and event.changes["settings.auth.requireMfa"] is True


def test_the_settings_page_shows_service_errors_on_their_fields(alice, bob, acme, globex):
    response = console_as(alice).post("/org/settings/", settings_form(acme, slug=globex.slug))
    assert response.status_code == 200 and "Already taken." in response.content.decode()
    assert console_as(bob).get("/org/settings/").status_code == 403


def test_the_api_changes_settings_by_path_and_names_what_is_wrong(api, api_as, bob, acme):
    response = api.patch("/org/settings", {"name": "Acme Two", "settings": {"auth": {"minPasswordLength": 12}}})
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Acme Two" and body["settings"]["auth"]["minPasswordLength"] == 12
    assert body["settings"]["auth"]["allowLoginWithPassword"] is True  # untouched keys stay
    bad = api.patch("/org/settings", {"settings": {"auth": {"minPasswordLength": 3, "nope": True}}})
    assert bad.status_code == 400
    assert bad.json()["details"]["fieldErrors"] == {
        "settings.auth.minPasswordLength": "A whole number from 8 to 256.",
        "settings.auth.nope": "Unknown setting.",
    }
    as_bob = api_as(bob, acme)
    assert as_bob.get("/org/settings").json()["settings"]["auth"]["minPasswordLength"] == 12  # members read them
    assert as_bob.patch("/org/settings", {"name": "Bob's"}).status_code == 403
    owner_role = acme.roles.get(key="owner")
    refused = api.patch("/org/settings", {"defaultOrgRoleId": owner_role.pk})
    assert refused.status_code == 400 and "defaultOrgRoleId" in refused.json()["details"]["fieldErrors"]


def _require_mfa(as_alice, grace_days: int) -> None:
    organization_update(principal=as_alice, settings={"auth": {"requireMfa": True, "mfaGracePeriodDays": grace_days}})


def test_members_without_mfa_are_sent_to_enrollment_after_the_grace_period(as_alice, bob, acme, api_as):
    with clock.frozen() as now:
        _require_mfa(as_alice, grace_days=7)
        during = console_as(bob).get("/org/members/")
        html = during.content.decode()
        assert during.status_code == 200 and "Acme Corp requires two-factor authentication" in html
        assert "Deadline:" in html
        assert api_as(bob, acme).get("/org/members").status_code == 200

        now.advance(days=7, minutes=1)
        client = console_as(bob)  # a new sign-in: the old one is long idle
        gated = client.get("/org/members/")
        assert gated.status_code == 302 and gated["Location"] == "/identity/#mfa-h"
        assert client.get("/org/teams/", **HTMX)["HX-Redirect"] == "/identity/#mfa-h"
        profile = client.get("/identity/").content.decode()
        assert "requires two-factor authentication: set up an authenticator app to continue" in profile

        api = api_as(bob, acme)
        refused = api.get("/org/members")
        assert refused.status_code == 403 and refused.json()["code"] == "mfa_required"
        assert "POST /me/mfa/totp" in refused.json()["message"]
        secret = api.post("/me/mfa/totp").json()["secret"]  # enrollment stays open
        assert api.post("/me/mfa/totp/confirm", {"code": pyotp.TOTP(secret).at(now.now())}).status_code == 200
        assert api.get("/org/members").status_code == 200
        assert client.get("/org/members/").status_code == 200


def test_a_member_who_joins_later_gets_a_grace_period_of_their_own(as_alice, acme, api_as):
    with clock.frozen() as now:
        _require_mfa(as_alice, grace_days=3)
        now.advance(days=10)
        dana = user_create(email="dana@acme.test", password=PASSWORD)
        member_add(org=acme, user=dana, role_keys=["member"])
        Member.objects.filter(user=dana).update(created_at=now.now())
        assert api_as(dana, acme).get("/org/members").status_code == 200
        now.advance(days=3)
        assert api_as(dana, acme).get("/org/members").json()["code"] == "mfa_required"


def test_without_a_grace_period_it_applies_at_once_and_never_to_service_accounts(as_alice, acme, api_as, bob):
    secret = "lsk_" + secrets.token_urlsafe(32)
    account = ServiceAccount.objects.create(organization=acme, username="ci-bot")
    ApiKey.objects.create(service_account=account, prefix=secret[:12], key_hash=hash_secret(secret))
    policy_set(principal=as_alice, principal_id=account.pk, permissions=["CanViewMembers"])
    with clock.frozen():
        _require_mfa(as_alice, grace_days=0)
        assert api_as(bob, acme).get("/org/members").json()["code"] == "mfa_required"
        assert ApiClient(secret, acme.pk).get("/org/members").status_code == 200


def _sso_only(as_alice) -> None:
    organization_update(
        principal=as_alice, settings={"auth": {"allowLoginWithPassword": False, "allowLoginWithEmail": False}}
    )


def test_requiring_sso_needs_an_offered_provider_then_refuses_passwords_but_to_owners(as_alice, alice, bob, acme):
    with pytest.raises(InvalidInput) as refused:
        _sso_only(as_alice)
    assert refused.value.code == "sso_not_configured"
    IdentityProvider.objects.create(
        organization=acme, provider_type="generic-oidc", name="Acme SSO", issuer="https://idp.example.test"
    )
    _sso_only(as_alice)
    page = Client().post("/login/", {"email": "bob@acme.test", "password": PASSWORD})
    assert page.status_code == 200
    assert "Acme Corp requires signing in with its identity provider" in page.content.decode()
    assert f"/login/?org={acme.slug}" in page.content.decode()
    assert Client().post("/login/", {"email": "alice@acme.test", "password": PASSWORD}).status_code == 302
    settings_page = console_as(alice).get("/org/settings/").content.decode()
    assert re.search(r'<input[^>]*name="require_sso"[^>]*checked', settings_page)


def test_the_header_switches_between_the_organizations_of_a_person(acme, globex):
    carol = user_create(email="carol@acme.test", password=PASSWORD)
    member_add(org=acme, user=carol, role_keys=["member"])
    member_add(org=globex, user=carol, role_keys=["owner"])
    client = console_as(carol)
    header = client.get("/").content.decode()
    assert "Switch organization" in header and "Acme Corp" in header and "Globex" in header
    assert "<h1>Acme Corp</h1>" in header
    switched = client.post("/org/switch", {"organization": globex.pk})
    assert switched.status_code == 302 and switched["Location"] == "/"
    assert "<h1>Globex</h1>" in client.get("/").content.decode()
    initech = organization_create(name="Initech")
    assert client.post("/org/switch", {"organization": initech.pk}).status_code == 404


def test_a_single_organization_shows_no_switcher(alice):
    assert "Switch organization" not in console_as(alice).get("/").content.decode()


def test_grace_period_days_are_bounded(as_alice):
    with pytest.raises(InvalidInput) as refused:
        organization_update(principal=as_alice, settings={"auth": {"mfaGracePeriodDays": 365}})
    assert refused.value.field_errors == {"settings.auth.mfaGracePeriodDays": "A whole number from 0 to 90."}
