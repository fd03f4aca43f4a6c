"""The one sign-in gate (`login_continue`), met by every first factor: an organization's requirement of verified
email addresses (settings.auth.requireEmailVerification), in the API and the console, with a way to resend."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client

from apps.core.principal import Principal
from apps.identity.models import User
from apps.org.models import Member
from apps.org.services.invitations import invitation_create
from tests.conftest import PASSWORD


@pytest.fixture
def strict(acme):
    """Acme asks its members for a verified email address."""
    acme.settings["auth"]["requireEmailVerification"] = True
    acme.save()
    return acme


def _token(link: str) -> str:
    return parse_qs(urlparse(link).query)["token"][0]


def test_an_unverified_member_is_refused_a_login_and_can_ask_for_a_new_link(anon, alice, strict, mailbox):
    wrong = anon.post("/auth/login", {"email": "alice@acme.test", "password": "wrong-password-1"})
    assert wrong.status_code == 401  # without the password, nothing is said about the address
    refused = anon.post("/auth/login", {"email": "alice@acme.test", "password": PASSWORD})
    assert refused.status_code == 403 and refused.json()["code"] == "email_verification_required"
    assert anon.post("/auth/email/resend", {"email": "alice@acme.test"}).status_code == 202
    verified = anon.post("/auth/email/verify", {"token": _token(mailbox.first_link("alice@acme.test"))})
    assert verified.status_code == 200
    assert anon.post("/auth/login", {"email": "alice@acme.test", "password": PASSWORD}).json()["token"]


def test_members_of_other_organizations_are_not_held_to_it(anon, charlie, strict):
    assert anon.post("/auth/login", {"email": "charlie@globex.test", "password": PASSWORD}).status_code == 200


def test_an_emailed_code_proves_the_address(anon, alice, strict, mailbox):
    challenge = anon.post("/auth/login/email-code", {"email": "alice@acme.test"}).json()["challengeId"]
    code = re.search(r"\b(\d{6})\b", mailbox.body(mailbox.last_to("alice@acme.test"))).group(1)
    done = anon.post("/auth/challenge/verify", {"challengeId": challenge, "method": "email_code", "code": code})
    assert done.status_code == 200 and done.json()["token"]


def test_the_console_login_says_so_and_offers_to_resend(alice, strict, mailbox):
    client = Client()
    page = client.post("/login/", {"email": "alice@acme.test", "password": PASSWORD})
    assert page.status_code == 200 and "Verify your email address" in page.content.decode()
    assert 'name="resend_verification"' in page.content.decode()
    resent = client.post("/login/", {"email": "alice@acme.test", "resend_verification": "1"})
    assert resent["Location"] == "/login/"
    assert "verify" in mailbox.last_to("alice@acme.test")["Subject"]
    assert "_auth_user_id" not in client.session


def _invitation(org, inviter, email: str) -> str:
    principal = Principal(user=inviter, org=org, member=Member.objects.get(organization=org, user=inviter))
    _invitation, token = invitation_create(principal=principal, email=email, send_email=False)
    return token


def test_accepting_an_invitation_signs_in_through_the_same_gate(alice, acme, strict, mailbox):
    client = Client()
    token = _invitation(acme, alice, "dana@example.test")
    body = {"given_name": "Dana", "password": "a long passphrase"}
    response = client.post(f"/invitations/{token}/", body)
    assert response["Location"] == "/login/"  # the account exists, but Acme wants the address verified first
    assert User.objects.filter(email="dana@example.test").exists()
    assert "_auth_user_id" not in client.session
    client.get(mailbox.first_link("dana@example.test").replace("http://127.0.0.1:8000", ""))
    assert client.post("/login/", {"email": "dana@example.test", "password": "a long passphrase"})["Location"] == "/"


def test_accepting_an_invitation_without_the_requirement_signs_in_to_that_organization(alice, acme, globex, charlie):
    client = Client()
    token = _invitation(acme, alice, "dana@example.test")
    response = client.post(f"/invitations/{token}/", {"given_name": "Dana", "password": "a long passphrase"})
    assert response["Location"] == "/"
    assert client.session["organization_id"] == acme.pk
    assert client.get("/").status_code == 200
