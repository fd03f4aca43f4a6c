"""SSO setup that cannot save a broken provider: "Test connection" tests the values typed in the form; a
provider is offered on the sign-in page only after a successful test, or when an administrator explicitly
offers it anyway (and the console says so); the organization's sign-in address is shown."""

import socket

import pytest
from django.core.cache import cache

from apps.core.principal import Principal
from apps.identity.sso import services
from apps.identity.sso.models import IdentityProvider
from apps.identity.sso.selectors import login_providers
from apps.org.models import Member
from tests.org.test_console_pages import console_as

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _fresh_discovery(db, outbound_to_loopback):
    cache.clear()  # discovery documents are cached per issuer
    yield
    cache.clear()


@pytest.fixture
def dead_issuer() -> str:
    """An issuer on 127.0.0.1 where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/realms/acme"


def form(issuer: str, **overrides) -> dict:
    data = {
        "name": "Acme SSO",
        "issuer": issuer,
        "client_id": "console",
        "client_secret": "console-secret-1",
        "scopes": "openid email profile",
        "allowed_email_domains": "",
        "enabled": "on",
    }
    return {**data, **overrides}


def offered(acme) -> list[str]:
    return [b.name for b in login_providers(org_slug=acme.slug)]


def test_test_connection_tests_the_issuer_typed_not_the_saved_one(alice, acme, provider_a, provider_b, dead_issuer):
    idp = IdentityProvider.objects.create(
        organization=acme, provider_type="generic-oidc", name="Acme SSO", issuer=provider_a.issuer, client_id="c"
    )
    client = console_as(alice)
    typed = client.post(f"/identity/sso/{idp.pk}/", {**form(provider_b.issuer), "action": "test"}, **HTMX)
    html = typed.content.decode()
    assert "Connection works" in html and f"{provider_b.issuer}/token" in html and f"{provider_a.issuer}/" not in html
    broken = client.post(f"/identity/sso/{idp.pk}/", {**form(dead_issuer), "action": "test"}, **HTMX)
    assert "Connection failed (unreachable)" in broken.content.decode()
    idp.refresh_from_db()
    assert idp.issuer == provider_a.issuer  # testing saves nothing


def test_a_provider_that_fails_its_test_is_not_saved_unless_hidden_or_offered_anyway(alice, acme, dead_issuer):
    client = console_as(alice)
    refused = client.post("/identity/sso/new/generic-oidc/", form(dead_issuer))
    html = refused.content.decode()
    assert refused.status_code == 200 and "The connection test failed" in html
    assert "Offer it anyway, although the connection test failed" in html
    assert not IdentityProvider.objects.exists()

    hidden = client.post("/identity/sso/new/generic-oidc/", form(dead_issuer, enabled=""))
    assert hidden.status_code == 302 and offered(acme) == []
    IdentityProvider.objects.all().delete()

    anyway = client.post("/identity/sso/new/generic-oidc/", form(dead_issuer, enable_untested="on"))
    assert anyway.status_code == 302
    idp = IdentityProvider.objects.get()
    assert (idp.is_enabled, idp.enabled_untested, idp.verified_at) == (True, True, None)
    assert offered(acme) == ["Acme SSO"]
    assert "offered, untested" in client.get("/identity/sso/").content.decode()
    assert "offered without a successful connection test" in client.get(f"/identity/sso/{idp.pk}/").content.decode()


def test_a_provider_that_passes_its_test_is_offered_at_once(alice, acme, provider_a):
    client = console_as(alice)
    assert client.post("/identity/sso/new/generic-oidc/", form(provider_a.issuer)).status_code == 302
    idp = IdentityProvider.objects.get()
    assert idp.verified_at is not None and not idp.enabled_untested
    assert offered(acme) == ["Acme SSO"]
    assert "Last successful connection test" in client.get(f"/identity/sso/{idp.pk}/").content.decode()


def test_a_new_issuer_or_enabling_tests_again(alice, acme, provider_a, dead_issuer):
    owner = Principal(user=alice, org=acme, member=Member.objects.get(user=alice))
    idp = IdentityProvider.objects.create(
        organization=acme, provider_type="generic-oidc", name="Acme SSO", issuer=dead_issuer, is_enabled=False
    )
    with pytest.raises(services.InvalidInput) as refused:
        services.idp_update(principal=owner, idp=idp, enabled=True)
    assert refused.value.code == "connection_test_failed"
    services.idp_update(principal=owner, idp=idp, issuer=provider_a.issuer, enabled=True)
    assert offered(acme) == ["Acme SSO"]
    with pytest.raises(services.InvalidInput):
        services.idp_update(principal=owner, idp=idp, issuer=dead_issuer)
    idp.refresh_from_db()
    assert idp.issuer == provider_a.issuer and idp.verified_at is not None


def test_the_api_refuses_an_enabled_provider_that_does_not_answer(api, dead_issuer):
    body = {
        "identityProviderTypeId": "generic-oidc",
        "name": "Broken",
        "configWrite": {"oidc": {"issuer": dead_issuer, "clientId": "c", "clientSecret": "s"}},
    }
    refused = api.post("/auth/idps", body)
    assert refused.status_code == 400 and refused.json()["code"] == "connection_test_failed"
    assert "configWrite.oidc.issuer" in refused.json()["details"]["fieldErrors"]
    assert api.post("/auth/idps", {**body, "enabled": False}).status_code == 201


def test_the_organizations_sign_in_address_is_shown_with_a_copy_button(alice, acme, provider_a):
    IdentityProvider.objects.create(
        organization=acme, provider_type="generic-oidc", name="Acme SSO", issuer=provider_a.issuer
    )
    html = console_as(alice).get("/identity/sso/").content.decode()
    assert f'value="http://testserver/login/?org={acme.slug}"' in html and 'data-copy="sign-in-url"' in html


def test_the_wizard_says_which_of_two_steps_it_is_on(alice):
    client = console_as(alice)
    first = client.get("/identity/sso/new/").content.decode()
    second = client.get("/identity/sso/new/generic-oidc/").content.decode()
    assert '<li aria-current="step">1. Choose the kind of provider</li>' in first
    assert '<li aria-current="step">2. Connect, test and save</li>' in second
    assert "of 3" not in first + second
    assert 'class="provider-types"' in first  # a grid that wraps: no card runs off the page
