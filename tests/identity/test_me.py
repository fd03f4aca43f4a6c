"""The caller's own account: profile, emails, logins."""

from apps.identity.models import Login, UserEmail
from tests.conftest import PASSWORD


def test_patch_me_changes_the_profile(api):
    response = api.patch("/me", {"givenName": "Alicia", "displayName": "A."})
    assert response.status_code == 200
    assert response.json()["user"]["givenName"] == "Alicia" and response.json()["root"] is None
    assert api.patch("/me", {"givenName": "x" * 151}).status_code == 400


def test_changing_the_login_email_needs_a_verified_address_and_a_recent_sign_in(api, alice, mailbox, clock):
    unverified = api.patch("/me", {"email": "alice@new.test"})
    assert unverified.status_code == 400
    assert api.post("/me/emails", {"email": "alice@new.test"}).status_code == 201
    link = mailbox.first_link("alice@new.test")
    assert api.post("/auth/email/verify", {"token": link.split("token=")[1]}).status_code == 200
    clock.advance(minutes=16)
    assert api.patch("/me", {"email": "alice@new.test"}).json()["code"] == "reauth_required"
    api.post("/auth/reauth", {"password": PASSWORD})
    assert api.patch("/me", {"email": "alice@new.test"}).json()["user"]["email"] == "alice@new.test"


def test_my_emails_lists_and_adds_addresses(api, alice, mailbox):
    assert [e["email"] for e in api.get("/me/emails", max_queries=3).json()["items"]] == ["alice@acme.test"]
    added = api.post("/me/emails", {"email": "Alice@Home.test"})
    assert added.status_code == 201 and added.json()["verifiedAt"] is None and added.json()["userId"] == alice.pk
    assert api.post("/me/emails", {"email": "alice@home.test"}).status_code == 409
    assert api.post("/me/emails", {"email": "nope"}).status_code == 400
    page = api.get("/me/emails?limit=1").json()
    assert len(page["items"]) == 1 and page["marker"]
    assert api.get(f"/me/emails?limit=1&marker={page['marker']}").json()["items"][0]["email"] == "alice@home.test"


def test_an_address_verified_by_another_account_cannot_be_added(api, bob, mailbox):
    UserEmail.objects.filter(user=bob).update(verified_at="2026-01-01T00:00:00Z")
    assert api.post("/me/emails", {"email": "bob@acme.test"}).status_code == 409


def test_my_logins_lists_active_logins_and_marks_the_current_one(api, api_as, alice):
    for _ in range(2):
        api_as(alice).get("/me")
    items = api.get("/me/logins", max_queries=4).json()["items"]
    assert len(items) == 3
    assert sum(i["isCurrent"] for i in items) == 1


def test_a_revoked_login_gets_401_on_its_next_request(api, api_as, alice):
    other = api_as(alice)
    other_id = next(i["id"] for i in api.get("/me/logins").json()["items"] if not i["isCurrent"])
    assert other.get("/me").status_code == 200
    assert api.delete(f"/me/logins/{other_id}").status_code == 204
    assert other.get("/me").status_code == 401
    assert api.delete(f"/me/logins/{other_id}").status_code == 404


def test_nobody_revokes_someone_elses_login(api, api_as, charlie, globex):
    api_as(charlie, globex).get("/me")
    theirs = Login.objects.filter(user=charlie).first()
    assert api.delete(f"/me/logins/{theirs.pk}").status_code == 404
    assert Login.objects.get(pk=theirs.pk).revoked_at is None


def test_nobody_revokes_someone_elses_trusted_device(api, charlie):
    from apps.identity.services.mfa import trusted_device_create

    device, _token = trusted_device_create(user=charlie, remote_ip=None, user_agent="", device_id="")
    assert api.delete(f"/me/trusted-devices/{device.pk}").status_code == 404


def test_trusted_devices_list_and_revoke(api, alice):
    from apps.identity.services.mfa import trusted_device_create

    device, _token = trusted_device_create(user=alice, remote_ip="10.0.0.1", user_agent="UA", device_id="d1")
    items = api.get("/me/trusted-devices", max_queries=3).json()["items"]
    assert [(i["id"], i["remoteIp"], i["deviceId"]) for i in items] == [(device.pk, "10.0.0.1", "d1")]
    assert api.delete(f"/me/trusted-devices/{device.pk}").status_code == 204
    assert api.get("/me/trusted-devices").json()["items"] == []


def test_unauthenticated_callers_get_401(anon):
    for path in ["/me", "/me/emails", "/me/logins", "/me/trusted-devices", "/me/mfa"]:
        assert anon.get(path).status_code == 401
