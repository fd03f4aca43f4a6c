import pytest
from playwright.sync_api import Page, expect

from apps.identity.sso.models import IdentityProvider
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def test_a_person_signs_in_through_the_organizations_provider_and_sees_the_dashboard(
    live_server, page: Page, acme, provider_a, outbound_to_loopback
):
    client_id, client_secret = provider_a.register_client(f"{live_server.url}/sso/callback")
    idp = IdentityProvider.objects.create(
        organization=acme,
        provider_type="keycloak",
        name="Acme SSO",
        issuer=provider_a.issuer,
        client_id=client_id,
        client_secret=client_secret,
        allowed_email_domains=["example.test"],
    )
    page.goto(f"{live_server.url}/sso/{idp.pk}/start")  # what the login page's "Sign in with Acme SSO" opens
    expect(page.get_by_role("heading", level=1)).to_have_text("Test IdP")
    page.get_by_label("IdP email").fill("erin@example.test")
    page.get_by_label("IdP password").fill("idp-password-1")
    page.get_by_role("button", name="Sign in to the IdP").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Corp")
    expect(page.locator(".topbar .email")).to_have_text("erin@example.test")


def test_an_owner_adds_a_provider_with_the_wizard_and_deletes_it(
    live_server, page: Page, alice, acme, provider_a, outbound_to_loopback
):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill("alice@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/identity/sso/")
    page.get_by_role("link", name="Add identity provider").click()
    page.get_by_role("link", name="Set up OpenID Connect with a client ID").click()
    page.get_by_label("Name").fill("Acme SSO")
    page.get_by_label("Issuer URL").fill(provider_a.issuer)
    page.get_by_label("Client ID").fill("console")
    page.get_by_label("Client secret").fill("console-secret")
    page.get_by_role("button", name="Test connection").click()
    expect(page.get_by_role("heading", name="Connection works")).to_be_visible()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#toasts")).to_contain_text("Acme SSO was added.")
    page.get_by_role("link", name="Acme SSO").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete identity provider").click()
    expect(page.locator("#toasts")).to_contain_text("Acme SSO was deleted.")
    expect(page.get_by_role("heading", name="No identity providers yet")).to_be_visible()
