"""The identity provider pages of the console: wizard, test connection (HTMX partial), edit, rotate, delete."""

from html.parser import HTMLParser

import pytest
from django.test import Client

from apps.identity.sso.models import FederatedIdentity, IdentityProvider
from tests.conftest import PASSWORD

HTMX = {"HTTP_HX_REQUEST": "true"}


def console_as(email: str) -> Client:
    client = Client()
    assert client.post("/login/", {"email": email, "password": PASSWORD}).status_code == 302
    return client


@pytest.fixture
def as_alice(alice) -> Client:
    return console_as("alice@acme.test")


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[str] = []
        self.labels: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.inputs.append(a.get("id") or "")
        if tag == "label":
            self.labels.add(a.get("for") or "")


def assert_every_input_is_labelled(html: str) -> None:
    parser = _Inputs()
    parser.feed(html)
    assert parser.inputs, "no inputs on the page"
    assert all(i and i in parser.labels for i in parser.inputs), (parser.inputs, parser.labels)


def form(provider, **overrides) -> dict:
    data = {
        "name": "Acme SSO",
        "issuer": provider.issuer,
        "client_id": "console",
        "client_secret": "console-secret-1",
        "scopes": "openid email profile",
        "allowed_email_domains": "example.test",
        "enabled": "on",
    }
    return {**data, **overrides}


def test_the_wizard_chooses_a_type_tests_the_connection_and_saves(as_alice, acme, provider_a):
    page = as_alice.get("/identity/sso/")
    assert b"No identity providers yet" in page.content and b'href="/identity/sso/new/"' in page.content
    types = as_alice.get("/identity/sso/new/").content.decode()
    assert (
        'href="/identity/sso/new/keycloak/auto-setup/"' in types
        and "/identity/sso/new/azure-ad/auto-setup/" not in types
    )

    step = as_alice.get("/identity/sso/new/generic-oidc/")
    assert step.status_code == 200
    assert_every_input_is_labelled(step.content.decode())
    assert b"http://testserver/sso/callback" in step.content

    report = as_alice.post("/identity/sso/new/generic-oidc/", {**form(provider_a), "action": "test"}, **HTMX)
    html = report.content.decode()
    assert "<html" not in html and 'id="connection-report"' in html
    assert "Connection works" in html and f"{provider_a.issuer}/token" in html

    saved = as_alice.post("/identity/sso/new/generic-oidc/", form(provider_a))
    assert saved.status_code == 302 and saved["Location"] == "/identity/sso/"
    idp = IdentityProvider.objects.get(organization=acme)
    assert (idp.name, idp.client_secret, idp.allowed_email_domains) == (
        "Acme SSO",
        "console-secret-1",
        ["example.test"],
    )
    listing = as_alice.get("/identity/sso/").content.decode()
    assert "Acme SSO" in listing and "console-secret-1" not in listing


def test_the_wizard_shows_failures_in_place(as_alice, broken_idp):
    report = as_alice.post(
        "/identity/sso/new/generic-oidc/", {"issuer": f"{broken_idp}/mismatch", "action": "test"}, **HTMX
    )
    assert "Connection failed (issuer_mismatch)" in report.content.decode()
    refused = as_alice.post("/identity/sso/new/generic-oidc/", {"issuer": "http://10.0.0.1", "action": "test"}, **HTMX)
    assert "link-local or metadata address" in refused.content.decode()
    invalid = as_alice.post("/identity/sso/new/generic-oidc/", {"name": "x", "issuer": "http://169.254.169.254"})
    assert invalid.status_code == 200 and not IdentityProvider.objects.exists()
    assert b"has-error" in invalid.content


def test_it_edits_rotates_and_deletes(as_alice, acme, provider_a, make_idp):
    idp = make_idp(acme)
    old_secret = idp.client_secret
    page = as_alice.get(f"/identity/sso/{idp.pk}/").content.decode()
    assert_every_input_is_labelled(page)
    assert old_secret not in page and 'data-confirm="Delete Company SSO?' in page

    edited = as_alice.post(f"/identity/sso/{idp.pk}/", form(provider_a, name="Renamed", client_id=idp.client_id))
    assert edited.status_code == 302
    idp.refresh_from_db()
    assert idp.name == "Renamed" and idp.client_secret == old_secret

    as_alice.post(f"/identity/sso/{idp.pk}/rotate-secret", {"client_secret": "brand-new-secret"})
    idp.refresh_from_db()
    assert idp.client_secret == "brand-new-secret"

    assert as_alice.post(f"/identity/sso/{idp.pk}/delete")["Location"] == "/identity/sso/"
    assert not IdentityProvider.objects.filter(pk=idp.pk).exists()


def test_auto_setup_from_the_console(as_alice, acme, provider_a):
    page = as_alice.get("/identity/sso/new/keycloak/auto-setup/")
    assert_every_input_is_labelled(page.content.decode())
    response = as_alice.post(
        "/identity/sso/new/keycloak/auto-setup/",
        {"name": "Auto", "provider_url": provider_a.issuer, "initial_access_token": provider_a.initial_access_token},
    )
    idp = IdentityProvider.objects.get(organization=acme)
    assert response["Location"] == f"/identity/sso/{idp.pk}/"
    assert idp.client_id and idp.client_secret


def test_a_member_sees_providers_but_cannot_change_them(acme, bob, make_idp, provider_a):
    idp = make_idp(acme)
    as_bob = console_as("bob@acme.test")
    listing = as_bob.get("/identity/sso/").content.decode()
    assert "Company SSO" in listing and "Add identity provider" not in listing
    detail = as_bob.get(f"/identity/sso/{idp.pk}/").content.decode()
    assert "Rotate client secret" not in detail and '<form method="post" novalidate>' not in detail
    assert as_bob.get("/identity/sso/new/").status_code == 403
    assert as_bob.post(f"/identity/sso/{idp.pk}/", form(provider_a, name="Bob's")).status_code == 403
    as_bob.post(f"/identity/sso/{idp.pk}/delete")
    assert IdentityProvider.objects.filter(pk=idp.pk, name="Company SSO").exists()


def test_another_organization_gets_404(acme, charlie, make_idp):
    idp = make_idp(acme)
    as_charlie = console_as("charlie@globex.test")
    assert as_charlie.get(f"/identity/sso/{idp.pk}/").status_code == 404
    assert as_charlie.post(f"/identity/sso/{idp.pk}/delete").status_code == 404
    assert as_charlie.post(f"/identity/sso/{idp.pk}/rotate-secret", {"client_secret": "x"}).status_code == 404


def test_the_linked_sign_ins_page_offers_the_organizations_providers(as_alice, acme, make_idp):
    idp = make_idp(acme)
    page = as_alice.get("/identity/sso/linked/").content.decode()
    assert f'action="/sso/{idp.pk}/start"' in page and "Link Company SSO" in page


def test_a_linked_sign_in_can_be_unlinked_by_its_owner_only(as_alice, acme, alice, bob, make_idp):
    idp = make_idp(acme)
    identity = FederatedIdentity.objects.create(identity_provider=idp, subject="alice-sub", user=alice)
    as_bob = console_as("bob@acme.test")
    assert as_bob.post(f"/identity/sso/linked/{identity.pk}/unlink").status_code == 404
    page = as_alice.get("/identity/sso/linked/").content.decode()
    assert "Unlink" in page and "Link Company SSO" not in page
    assert as_alice.post(f"/identity/sso/linked/{identity.pk}/unlink")["Location"] == "/identity/sso/linked/"
    assert not FederatedIdentity.objects.exists()


def test_the_provider_list_is_the_shared_console_list(as_alice, acme, make_idp):
    make_idp(acme, name="Zeta SSO")
    make_idp(acme, name="Alpha SSO", enabled=False)
    page = as_alice.get("/identity/sso/?sort=name&dir=desc").content.decode()
    assert page.index("Zeta SSO") < page.index("Alpha SSO") and 'aria-sort="descending"' in page
    assert "2 identity providers" in page and 'id="idp-table-q"' in page
    searched = as_alice.get("/identity/sso/?q=alpha&sort=name&dir=desc", **HTMX).content.decode()
    assert "Alpha SSO" in searched and "Zeta SSO" not in searched and "<html" not in searched
    assert 'id="idp-table-count" class="list-count muted" role="status" hx-swap-oob="innerHTML"' in searched
    assert "hidden" in searched  # the disabled provider is not offered on the sign-in page


def test_an_unknown_provider_type_is_the_styled_404(as_alice):
    response = as_alice.get("/identity/sso/new/no-such-type/")
    assert response.status_code == 404 and b"This provider type does not exist" in response.content
    assert b'class="topbar"' in response.content
