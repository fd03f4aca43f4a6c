"""Changing one's own password: any member (no permission on users needed), in the API and on the profile page."""

from django.test import Client

from apps.identity.models import Login
from tests.conftest import PASSWORD

NEW = "a fresh long phrase"


def test_a_plain_member_changes_their_password_and_their_other_logins_end(api_as, anon, bob, acme):
    as_bob, elsewhere = api_as(bob, acme), api_as(bob)
    response = as_bob.post("/me/password", {"currentPassword": PASSWORD, "newPassword": NEW})
    assert response.status_code == 204
    assert as_bob.get("/me").status_code == 200
    assert elsewhere.get("/me").status_code == 401
    assert Login.objects.filter(user=bob, revoked_at__isnull=True).count() == 1
    assert anon.post("/auth/login", {"email": "bob@acme.test", "password": NEW}).status_code == 200


def test_the_reference_path_serves_a_member_who_cannot_see_users(api_as, bob, acme):
    """POST /org/users/{self}/password answered 403 to members: reading users is no condition for one's own."""
    body = {"currentPassword": PASSWORD, "newPassword": NEW}
    assert api_as(bob, acme).post(f"/org/users/{bob.pk}/password", body).status_code == 204


def test_it_needs_the_current_password_and_an_acceptable_new_one(api_as, bob, acme):
    as_bob = api_as(bob, acme)
    wrong = as_bob.post("/me/password", {"currentPassword": "not it at all", "newPassword": NEW})
    assert wrong.status_code == 401 and "currentPassword" in wrong.json()["details"]["fieldErrors"]
    weak = as_bob.post("/me/password", {"currentPassword": PASSWORD, "newPassword": "short"})
    assert weak.status_code == 400 and "newPassword" in weak.json()["details"]["fieldErrors"]
    assert as_bob.post("/me/password", {"currentPassword": PASSWORD}).status_code == 400


def test_nobody_changes_another_persons_password_even_knowing_it(api, bob):
    refused = api.post(f"/org/users/{bob.pk}/password", {"currentPassword": PASSWORD, "newPassword": NEW})
    assert refused.status_code == 403 and refused.json()["code"] == "not_your_password"
    assert bob.check_password(PASSWORD)


def test_a_service_account_has_no_password(service_api):
    assert service_api.post("/me/password", {"currentPassword": "x", "newPassword": NEW}).status_code == 403


def test_the_profile_page_changes_the_password(bob):
    client = Client()
    client.post("/login/", {"email": bob.email, "password": PASSWORD})
    page = client.get("/identity/").content.decode()
    assert 'action="/identity/password"' in page
    wrong = client.post("/identity/password", {"password": "not it at all", "new_password": NEW})
    assert wrong.status_code == 400 and "incorrect" in wrong.content.decode()
    done = client.post("/identity/password", {"password": PASSWORD, "new_password": NEW})
    assert done.status_code == 302 and done["Location"] == "/identity/"
    bob.refresh_from_db()
    assert bob.check_password(NEW)
    assert client.get("/identity/").status_code == 200  # this session stays signed in
