"""A full OIDC authorization-code sign-in through the real provider, ending in a console session."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from apps.core.principal import Principal
from apps.identity.models import Login, User
from apps.identity.sso.models import FederatedIdentity
from apps.identity.sso.selectors import login_providers
from apps.org.models import AccountType, Invitation, Member
from apps.org.services.invitations import invitation_create
from apps.org.services.teams import team_create
from tests.conftest import PASSWORD


def start(client: Client, idp, query: str = "") -> str:
    response = client.get(f"/sso/{idp.pk}/start{query}")
    assert response.status_code == 302, response.content
    return response["Location"]


def finish(client: Client, callback_url: str):
    parts = urlsplit(callback_url)
    assert parts.netloc == "testserver" and parts.path == "/sso/callback", callback_url
    return client.get(f"{parts.path}?{parts.query}")


def sso_sign_in(client: Client, provider, idp, email: str):
    return finish(client, provider.sign_in(start(client, idp), email))


def signed_in_user(client: Client) -> User | None:
    login_id = client.session.get("login_id")
    login = Login.objects.filter(pk=login_id, revoked_at__isnull=True).select_related("user").first()
    return login.user if login else None


def flash(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request)]


def invite(org, inviter, email: str, teams=()) -> Invitation:
    member = Member.objects.get(organization=org, user=inviter)
    invitation, _token = invitation_create(
        principal=Principal(user=inviter, org=org, member=member),
        email=email,
        send_email=False,
        team_assignments=[{"teamId": t.pk} for t in teams],
    )
    return invitation


def test_an_invited_person_signs_in_and_lands_in_a_console_session(client, acme, alice, provider_a, make_idp):
    idp = make_idp(acme)
    owner = Principal(user=alice, org=acme, member=Member.objects.get(organization=acme, user=alice))
    team = team_create(principal=owner, name="Data")
    invitation = invite(acme, alice, "dana@example.test", teams=[team])
    authorize = start(client, idp, "?next=/workloads/")
    params = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(f"{provider_a.issuer}/auth?")
    assert params["code_challenge_method"] == ["S256"] and params["code_challenge"][0]
    assert params["nonce"][0] and params["state"][0]
    assert params["scope"] == ["openid email profile"] and params["client_id"] == [idp.client_id]

    response = finish(client, provider_a.sign_in(authorize, "dana@example.test"))

    assert response.status_code == 302 and response["Location"] == "/workloads/"
    dana = signed_in_user(client)
    assert dana is not None and dana.email == "dana@example.test" and dana.name == "Dana Scully"
    assert not dana.has_usable_password()
    assert FederatedIdentity.objects.get(identity_provider=idp, subject="dana-at-a").user == dana
    member = Member.objects.get(organization=acme, user=dana)
    assert member.account_type == AccountType.FEDERATED
    assert list(member.roles.values_list("key", flat=True)) == ["member"]
    invitation.refresh_from_db()
    assert invitation.accepted_member == member and invitation.accepted_at is not None
    assert list(member.team_memberships.values_list("team", flat=True)) == [team.pk]  # the invitation's teams
    page = client.get("/")
    assert page.status_code == 200 and b"Acme Corp" in page.content


def test_an_allowed_email_domain_joins_without_an_invitation(client, acme, provider_a, make_idp):
    idp = make_idp(acme, domains=["example.test"])
    response = sso_sign_in(client, provider_a, idp, "erin@example.test")
    assert response["Location"] == "/"
    erin = signed_in_user(client)
    assert erin.email == "erin@example.test"
    assert Member.objects.filter(organization=acme, user=erin).exists()


def test_an_uninvited_person_outside_the_domains_is_refused(client, acme, provider_a, make_idp):
    idp = make_idp(acme, domains=["example.test"])
    response = sso_sign_in(client, provider_a, idp, "gil@elsewhere.test")
    assert response["Location"] == "/login/"
    assert "not a member of Acme Corp" in flash(response)[0]
    assert signed_in_user(client) is None
    assert not User.objects.filter(email="gil@elsewhere.test").exists()
    assert not FederatedIdentity.objects.exists()


def test_an_unverified_email_joins_nothing(client, acme, provider_a, make_idp):
    idp = make_idp(acme, domains=["example.test"])
    response = sso_sign_in(client, provider_a, idp, "uma@example.test")
    assert response["Location"] == "/login/"
    assert "verified email" in flash(response)[0]
    assert not User.objects.filter(email="uma@example.test").exists()


def test_an_existing_account_is_never_entered_by_email_alone(client, acme, alice, provider_a, make_idp):
    idp = make_idp(acme, domains=["acme.test"])
    response = sso_sign_in(client, provider_a, idp, "alice@acme.test")
    assert response["Location"] == "/login/"
    assert "not linked" in flash(response)[0]
    assert signed_in_user(client) is None
    assert not FederatedIdentity.objects.exists()


def test_a_second_provider_asserting_the_same_email_does_not_reach_the_first_account(
    client, acme, globex, provider_a, provider_b, make_idp
):
    idp_a = make_idp(acme, provider_a, domains=["example.test"])
    assert sso_sign_in(client, provider_a, idp_a, "dana@example.test")["Location"] == "/"
    dana = signed_in_user(client)

    for idp_b in (
        make_idp(globex, provider_b, name="Globex SSO", domains=["example.test"]),
        make_idp(acme, provider_b, name="Acme second SSO", domains=["example.test"]),
    ):
        other = Client()
        response = sso_sign_in(other, provider_b, idp_b, "dana@example.test")
        assert response["Location"] == "/login/"
        assert signed_in_user(other) is None
    assert list(FederatedIdentity.objects.filter(user=dana).values_list("subject", flat=True)) == ["dana-at-a"]
    assert not Member.objects.filter(organization=globex, user=dana).exists()


def test_a_signed_in_user_links_a_provider_and_then_signs_in_with_it(client, acme, alice, provider_a, make_idp):
    idp = make_idp(acme)
    assert client.post("/login/", {"email": "alice@acme.test", "password": PASSWORD}).status_code == 302
    response = client.post(f"/sso/{idp.pk}/start")  # the console's "Link" button: POST, CSRF-checked
    assert response.status_code == 302
    response = finish(client, provider_a.sign_in(response["Location"], "alice@acme.test"))
    assert response["Location"] == "/identity/sso/linked/"
    assert FederatedIdentity.objects.get(identity_provider=idp, subject="alice-at-a").user == alice

    fresh = Client()
    assert sso_sign_in(fresh, provider_a, idp, "alice@acme.test")["Location"] == "/"
    assert signed_in_user(fresh) == alice


def test_linking_needs_a_signed_in_user(client, acme, make_idp):
    idp = make_idp(acme)
    response = client.post(f"/sso/{idp.pk}/start")
    assert response["Location"].startswith("/login/")


def test_the_state_is_bound_to_the_session_that_started(client, acme, provider_a, make_idp):
    idp = make_idp(acme, domains=["example.test"])
    callback = provider_a.sign_in(start(client, idp), "erin@example.test")
    attacker = Client()
    assert finish(attacker, callback)["Location"] == "/login/"
    assert signed_in_user(attacker) is None
    assert finish(client, callback).status_code == 302
    assert signed_in_user(client).email == "erin@example.test"
    replay = finish(client, callback)  # a state works once
    assert replay.status_code == 400


def test_a_wrong_client_secret_signs_nobody_in(client, acme, provider_a, make_idp):
    idp = make_idp(acme, domains=["example.test"])
    idp.client_secret = "not-the-secret"
    idp.save()
    response = sso_sign_in(client, provider_a, idp, "erin@example.test")
    assert response["Location"] == "/login/"
    assert "could not be verified" in flash(response)[0]
    assert signed_in_user(client) is None


def test_the_token_call_is_under_the_address_policy_too(client, acme, provider_a, make_idp, settings):
    idp = make_idp(acme, domains=["example.test"])
    callback = provider_a.sign_in(start(client, idp), "erin@example.test")
    settings.OUTBOUND_HTTP_ALLOWED_NETWORKS = []  # the provider's token endpoint is now a refused address
    response = finish(client, callback)
    assert response["Location"] == "/login/"
    assert "could not be reached" in flash(response)[0]
    assert signed_in_user(client) is None


def test_a_disabled_or_unknown_provider_cannot_start(client, acme, make_idp):
    idp = make_idp(acme, enabled=False)
    assert client.get(f"/sso/{idp.pk}/start").status_code == 404
    assert client.get("/sso/NOPE000000/start").status_code == 404


@pytest.mark.parametrize("slug", [None, "", "no-such-org"])
def test_the_login_page_offers_no_buttons_without_an_organization(db, slug):
    assert login_providers(org_slug=slug) == []


def test_the_login_page_offers_the_enabled_providers_of_the_organization(acme, globex, make_idp, provider_b):
    shown = make_idp(acme, name="Acme SSO")
    make_idp(acme, name="Hidden", enabled=False)
    make_idp(globex, provider_b, name="Globex SSO")
    buttons = login_providers(org_slug=acme.slug)
    assert [(b.name, b.login_url) for b in buttons] == [("Acme SSO", f"/sso/{shown.pk}/start")]


def test_changing_the_issuer_forgets_the_links_made_at_the_old_one(api, acme, alice, provider_a, provider_b, make_idp):
    idp = make_idp(acme)
    FederatedIdentity.objects.create(identity_provider=idp, subject="alice-at-a", user=alice)
    assert (
        api.patch(f"/auth/idps/{idp.pk}", {"configWrite": {"oidc": {"issuer": provider_a.issuer + "/"}}}).status_code
        == 200
    )
    assert FederatedIdentity.objects.filter(identity_provider=idp).exists()  # the same issuer, spelled differently
    assert (
        api.patch(f"/auth/idps/{idp.pk}", {"configWrite": {"oidc": {"issuer": provider_b.issuer}}}).status_code == 200
    )
    assert not FederatedIdentity.objects.filter(identity_provider=idp).exists()
