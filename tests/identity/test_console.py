"""Console pages of the identity domain, through Django's test client (Playwright covers the MFA journey)."""

import re

import pytest
from django.test import Client

from apps.identity.models import ApiKey, ServiceAccount
from tests.conftest import PASSWORD
from tests.identity.conftest import totp_now


def console(user=None) -> Client:
    client = Client()
    if user is not None:
        response = client.post("/login/", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.content.decode()[:500]
    return client


def test_a_password_login_with_mfa_goes_through_the_challenge_page_and_can_trust_the_device(alice, alice_totp, clock):
    client = Client()
    response = client.post("/login/", {"email": "alice@acme.test", "password": PASSWORD, "next": "/identity/"})
    assert response["Location"] == "/login/verify/"
    page = client.get("/login/verify/").content.decode()
    assert "Authenticator app" in page and "Trust this device" in page
    wrong = client.post("/login/verify/", {"method": "totp", "code": "000000"})
    assert wrong.status_code == 200 and "incorrect" in wrong.content.decode()
    body = {"method": "totp", "code": totp_now(alice_totp, clock), "trust_device": "on"}
    done = client.post("/login/verify/", body)
    assert done["Location"] == "/identity/" and done.cookies["lakesail_trusted_device"]["httponly"]
    assert client.get("/identity/").status_code == 200
    client.post("/logout/")
    again = client.post("/login/", {"email": "alice@acme.test", "password": PASSWORD})
    assert again["Location"] == "/"  # the trusted device skips MFA


def test_the_email_code_login_page(alice, mailbox):
    client = Client()
    assert client.post("/login/code/", {"email": "alice@acme.test"})["Location"] == "/login/verify/"
    code = re.search(r"\b(\d{6})\b", mailbox.body(mailbox.last_to("alice@acme.test"))).group(1)
    assert "Enter the code we emailed" in client.get("/login/verify/").content.decode()
    assert client.post("/login/verify/", {"method": "email_code", "code": code})["Location"] == "/"
    assert client.get("/identity/").status_code == 200


def test_sign_up_verify_forgot_and_reset_pages(db, mailbox, alice):
    client = Client()
    assert "Create your LakeSail account" in client.get("/signup/").content.decode()
    weak = client.post("/signup/", {"email": "erin@example.test", "password": "password"})
    assert weak.status_code == 200 and "field-error" in weak.content.decode()
    assert client.post("/signup/", {"email": "erin@example.test", "password": "long enough phrase"}).status_code == 302
    link = mailbox.first_link("erin@example.test")
    assert "is verified" in client.get(link.replace("http://127.0.0.1:8000", "")).content.decode()
    assert client.get("/verify-email/?token=bad").status_code == 400
    assert client.post("/forgot-password/", {"email": "alice@acme.test"}).status_code == 302
    reset = mailbox.first_link("alice@acme.test").replace("http://127.0.0.1:8000", "")
    token = reset.split("token=")[1]
    assert client.post("/reset-password/", {"token": token, "new_password": "fresh horse battery"}).status_code == 302
    assert client.post("/login/", {"email": "alice@acme.test", "password": "fresh horse battery"}).status_code == 302


def test_a_temporary_password_leads_to_the_new_password_page(api, bob):
    temporary = api.post(f"/org/users/{bob.pk}/password/reset").json()["password"]
    client = Client()
    assert (
        client.post("/login/", {"email": "bob@acme.test", "password": temporary})["Location"] == "/login/new-password/"
    )
    assert client.post("/login/new-password/", {"new_password": "bobs fresh phrase"})["Location"] == "/"


def test_the_security_page_lists_logins_and_revokes_another(alice, api_as):
    client = console(alice)
    other = api_as(alice)
    page = client.get("/identity/").content.decode()
    assert "this session" in page and "Set up an authenticator app" in page
    login_id = other.get("/me/logins").json()["items"][0]["id"]
    ids = re.findall(r"/identity/logins/(\w+)/revoke", page)
    assert ids and all(i != "" for i in ids)
    target = next(i for i in ids if i != login_id) if login_id not in ids else login_id
    assert client.post(f"/identity/logins/{target}/revoke").status_code == 302


def test_enrollment_pages_show_a_qr_code_and_recovery_codes_once(alice, clock):
    from apps.identity.models import TotpDevice

    client = console(alice)
    page = client.post("/identity/mfa/totp").content.decode()
    assert 'src="data:image/svg+xml' in page
    secret = TotpDevice.objects.get(user=alice).secret
    mistyped = client.post("/identity/mfa/totp/confirm", {"code": "000000"})
    assert mistyped.status_code == 400 and secret in mistyped.content.decode()
    codes = client.post("/identity/mfa/totp/confirm", {"code": totp_now(secret, clock)}).content.decode()
    assert len(re.findall(r"<code>[A-Z2-7]{4}-", codes)) == 10 and "data-download-codes" in codes


def test_users_admin_lists_searches_creates_and_resets(alice, bob, charlie, mailbox):
    client = console(alice)
    page = client.get("/identity/users/").content.decode()
    assert "alice@acme.test" in page and "bob@acme.test" in page and "charlie" not in page
    partial = client.get("/identity/users/?q=bob", HTTP_HX_REQUEST="true").content.decode()
    assert "bob@acme.test" in partial and "alice@acme.test" not in partial and "<html" not in partial
    created = client.post("/identity/users/new/", {"email": "dan@acme.test", "given_name": "Dan"})
    assert created.status_code == 302 and mailbox.last_to("dan@acme.test")
    reset = client.post(f"/identity/users/{bob.pk}/password-reset").content.decode()
    assert "Shown once" in reset
    assert client.get(f"/identity/users/{charlie.pk}/").status_code == 404


def test_a_member_cannot_administer_users_or_service_accounts(bob, alice):
    client = console(bob)
    assert client.post("/identity/users/new/", {"email": "x@acme.test"}).status_code == 403
    assert client.post(f"/identity/users/{alice.pk}/password-reset").status_code in (403, 404)
    assert client.post("/identity/service-accounts/", {"username": "x"}).status_code == 403


def test_service_account_page_shows_a_new_key_once(alice, acme):
    client = console(alice)
    assert client.post("/identity/service-accounts/", {"username": "ci-bot"}).status_code == 302
    account = ServiceAccount.objects.get(username="ci-bot")
    created = client.post(f"/identity/service-accounts/{account.pk}/keys", {"name": "deploy"})
    secret = re.search(r'id="new-api-key">(lsk_[^<]+)<', created.content.decode()).group(1)
    assert ApiKey.objects.get(service_account=account).prefix == secret[:12]
    assert secret not in client.get(f"/identity/service-accounts/{account.pk}/").content.decode()


@pytest.mark.parametrize("path", ["/identity/", "/identity/users/", "/identity/service-accounts/"])
def test_pages_need_a_login(db, path):
    assert Client().get(path)["Location"].startswith("/login/")


def test_the_users_list_sorts_pages_and_searches_with_the_shared_component(alice, acme):
    from apps.identity.services.users import user_create
    from apps.org.services.organizations import member_add

    for i in range(26):
        member_add(org=acme, user=user_create(email=f"u{i:02}@acme.test", password=PASSWORD), role_keys=["member"])
    client = console(alice)
    page = client.get("/identity/users/?sort=email&dir=desc").content.decode()
    assert "27 users · 1 to 25 shown" in page and 'aria-sort="descending"' in page
    assert page.index("u25@acme.test") < page.index("u24@acme.test") and ">alice@acme.test</a>" not in page
    second = client.get("/identity/users/?sort=email&dir=desc&page=2", HTTP_HX_REQUEST="true").content.decode()
    assert "alice@acme.test" in second and "<html" not in second
    assert re.search(r'id="user-table-count"[^>]*hx-swap-oob="innerHTML"[^>]*>\s*27 users · 26 to 27 shown', second)
    assert 'href="/identity/users/?sort=email&amp;dir=desc"' in second and 'rel="prev"' in second
    assert client.get("/identity/users/?page=%C2%B2").status_code == 200  # ?page=²


def test_adding_a_user_redirects_and_says_where_the_email_went(alice, settings):
    settings.EMAIL_BACKEND = "apps.core.mail.LogEmailBackend"
    client = console(alice)
    response = client.post("/identity/users/new/", {"email": "dan@acme.test", "given_name": "Dan"})
    assert response.status_code == 302 and response["Location"].startswith("/identity/users/")
    assert "written to the server log" in client.get(response["Location"]).content.decode()
    taken = client.post("/identity/users/new/", {"email": "dan@acme.test"})
    assert taken.status_code == 200 and "has-error" in taken.content.decode()


def test_service_accounts_list_and_create_with_one_form_path(alice, acme):
    client = console(alice)
    assert "No service accounts yet" in client.get("/identity/service-accounts/").content.decode()
    created = client.post("/identity/service-accounts/", {"username": "ci-bot", "description": "CI"})
    account = ServiceAccount.objects.get(username="ci-bot")
    assert created.status_code == 302 and created["Location"] == f"/identity/service-accounts/{account.pk}/"
    again = client.post("/identity/service-accounts/", {"username": "ci-bot"})
    assert again.status_code == 200 and "has-error" in again.content.decode()
    assert ServiceAccount.objects.filter(username="ci-bot").count() == 1
    listing = client.get("/identity/service-accounts/?q=ci", HTTP_HX_REQUEST="true").content.decode()
    assert "ci-bot" in listing and "1 service account" in listing


def test_a_member_gets_a_403_page_that_names_the_permission(bob):
    response = console(bob).post("/identity/users/new/", {"email": "x@acme.test"})
    assert response.status_code == 403
    assert "You need the Manage users permission (CanManageUsers)." in response.content.decode()


def test_a_sensitive_admin_action_with_a_stale_sign_in_asks_for_the_password_and_comes_back(alice, bob, clock):
    client = console(alice)
    clock.advance(minutes=16)  # older than the re-auth window, younger than the login's idle limit
    page = f"/identity/users/{bob.pk}/"
    response = client.post(f"/identity/users/{bob.pk}/password-reset", HTTP_REFERER=f"http://testserver{page}")
    assert response.status_code == 302
    assert response["Location"].startswith("/identity/reauth/?next=")
    assert "users" in response["Location"]


def test_a_session_ends_when_its_user_changes_password_elsewhere_or_is_deactivated(alice, bob):
    """The middleware reads the session's login with its user in one query; Django's session check still runs on
    that user: a changed password hash or a deactivated account signs the session out."""
    for change in ("password", "inactive"):
        user = alice if change == "password" else bob
        client = console(user)
        assert client.get("/identity/").status_code == 200
        if change == "password":
            user.set_password("an entirely new password 1")
        else:
            user.is_active = False
        user.save()
        response = client.get("/identity/")
        assert response.status_code == 302 and response["Location"].startswith("/login/"), change
        assert client.get("/identity/").status_code == 302  # and it stays signed out
