"""/org/users: the organization's administrators manage its members' accounts."""

from apps.identity.models import Login, TotpDevice, User
from apps.org.models import Member
from tests.conftest import PASSWORD


def test_list_shows_only_members_of_the_org(api, alice, bob, charlie):
    body = api.get("/org/users", max_queries=8).json()
    assert [u["email"] for u in body["items"]] == ["alice@acme.test", "bob@acme.test"]
    assert api.get("/org/users?limit=1").json()["marker"]
    assert api.get("/org/users?limit=500").status_code == 400


def test_the_list_costs_the_same_for_many_users(api, acme):
    from apps.identity.services.users import user_create
    from apps.org.services.organizations import member_add

    for i in range(15):
        member_add(org=acme, user=user_create(email=f"u{i}@acme.test", password=None), role_keys=["member"])
    assert len(api.get("/org/users", max_queries=8).json()["items"]) == 16


def test_an_organization_wide_viewers_pages_are_the_marker_pages_with_the_members_names(api, api_as, acme, globex):
    """Read by a query compiled once (`user_page`): the pages and names a team-scoped reading (`marker_page` of
    `user_list`, then the members' names) gives, in both orders of ties on email."""
    from apps.identity.services.users import user_create
    from apps.org.services.organizations import member_add

    for i in range(5):
        user = user_create(email=f"u{i}@acme.test", password=None, given_name=f"Own{i}")
        member_add(org=acme, user=user, role_keys=["member"])
        member_add(org=globex, user=user, role_keys=["member"])
    Member.objects.filter(organization=acme, email="u3@acme.test").update(name="Named here")
    Member.objects.filter(organization=globex, email="u3@acme.test").update(name="Named elsewhere")
    walked, marker = [], None
    while True:
        body = api.get("/org/users?limit=2" + (f"&marker={marker}" if marker else ""), max_queries=5).json()
        walked += [(u["email"], u["displayName"]) for u in body["items"]]
        if not (marker := body.get("marker")):
            break
    emails = sorted(Member.objects.filter(organization=acme).values_list("email", flat=True))
    assert [email for email, _name in walked] == emails
    assert dict(walked)["u3@acme.test"] == "Named here"
    assert dict(walked)["u1@acme.test"] == Member.objects.get(organization=acme, email="u1@acme.test").name


def test_create_adds_a_member_and_emails_a_link_to_set_a_password(api, anon, acme, mailbox):
    response = api.post("/org/users", {"email": "Dan@Acme.test", "givenName": "Dan"})
    assert response.status_code == 201 and response.json()["email"] == "dan@acme.test"
    assert Member.objects.filter(organization=acme, user_id=response.json()["id"]).exists()
    token = mailbox.first_link("dan@acme.test").split("token=")[1]
    assert anon.post("/auth/password/reset", {"token": token, "newPassword": "dans own passphrase"}).status_code == 204
    assert anon.post("/auth/login", {"email": "dan@acme.test", "password": "dans own passphrase"}).status_code == 200


def test_create_validates(api, alice):
    assert api.post("/org/users", {"givenName": "No email"}).status_code == 400
    assert api.post("/org/users", {"email": "alice@acme.test"}).status_code == 409


def test_describe_update_and_cross_org_404(api, bob, charlie):
    assert api.get(f"/org/users/{bob.pk}", max_queries=8).json()["email"] == "bob@acme.test"
    assert api.patch(f"/org/users/{bob.pk}", {"displayName": "Bobby"}).json()["displayName"] == "Bobby"
    assert api.patch(f"/org/users/{bob.pk}", {"email": "bad"}).status_code == 400
    for call in [api.get, api.patch, api.delete]:
        assert call(f"/org/users/{charlie.pk}").status_code == 404
    assert api.delete(f"/org/users/{charlie.pk}/mfa").status_code == 404
    assert api.post(f"/org/users/{charlie.pk}/password/reset").status_code == 404
    assert (
        api.post(
            f"/org/users/{charlie.pk}/password", {"currentPassword": "x", "newPassword": "long-enough"}
        ).status_code
        == 404
    )


def test_a_member_who_cannot_see_users_finds_none_and_manages_none(api_as, bob, alice, acme):
    as_bob = api_as(bob, acme)
    assert as_bob.get("/org/users").json()["items"] == []  # a list is filtered, not refused
    assert as_bob.post("/org/users", {"email": "x@acme.test"}).status_code == 403
    # What one may not see does not exist: the same 404 as another organization's user.
    assert as_bob.patch(f"/org/users/{alice.pk}", {"displayName": "x"}).status_code == 404
    assert as_bob.delete(f"/org/users/{alice.pk}").status_code == 404
    assert as_bob.delete(f"/org/users/{alice.pk}/mfa").status_code == 404
    assert as_bob.post(f"/org/users/{alice.pk}/password/reset").status_code == 404


def test_deleting_a_user_ends_their_access_here_and_nowhere_else(api, api_as, bob, acme, globex):
    from apps.org.services.organizations import member_add

    member_add(org=globex, user=bob, role_keys=["member"])
    in_globex, in_acme = api_as(bob, globex), api_as(bob, acme)
    assert api.delete(f"/org/users/{bob.pk}").status_code == 204
    assert in_acme.get("/org/teams").status_code == 404
    assert in_globex.get("/org/teams").status_code == 200  # removal from Acme revokes only Acme-scoped access
    assert not Member.objects.filter(organization=acme, user=bob).exists()
    assert User.objects.filter(pk=bob.pk).exists()  # still a member of Globex
    assert api.get(f"/org/users/{bob.pk}").status_code == 404


def test_deleting_the_last_membership_deletes_the_account(api, bob):
    assert api.delete(f"/org/users/{bob.pk}").status_code == 204
    assert not User.objects.filter(pk=bob.pk).exists()


def test_an_admin_cannot_delete_themselves(api, alice):
    assert api.delete(f"/org/users/{alice.pk}").status_code == 409


def test_admin_mfa_reset_removes_the_authenticator_and_ends_logins(api, api_as, bob, acme):
    from apps.identity.services.logins import login_create
    from apps.identity.services.mfa import totp_enroll_start

    totp_enroll_start(user=bob, credential=login_create(user=bob)[0])
    as_bob = api_as(bob, acme)
    assert api.delete(f"/org/users/{bob.pk}/mfa").status_code == 204
    assert not TotpDevice.objects.filter(user=bob).exists()
    assert as_bob.get("/me").status_code == 401


def test_admin_password_reset_gives_a_temporary_password_to_change_at_first_use(
    api, api_as, anon, bob, acme, mailbox, clock
):
    as_bob = api_as(bob, acme)
    response = api.post(f"/org/users/{bob.pk}/password/reset")
    temporary = response.json()["password"]
    assert response.status_code == 200 and len(temporary) >= 16
    assert as_bob.get("/me").status_code == 401
    assert "administrator reset your password" in mailbox.last_to("bob@acme.test")["Subject"]
    assert anon.post("/auth/login", {"email": "bob@acme.test", "password": PASSWORD}).status_code == 401
    step = anon.post("/auth/login", {"email": "bob@acme.test", "password": temporary}).json()
    assert step["passwordChangeRequired"] is True and "token" not in step
    weak = anon.post("/auth/challenge/password", {"challengeId": step["challengeId"], "newPassword": "short"})
    assert weak.status_code == 400
    done = anon.post("/auth/challenge/password", {"challengeId": step["challengeId"], "newPassword": "bobs new phrase"})
    assert done.json()["token"].startswith("lst_")
    assert anon.post("/auth/login", {"email": "bob@acme.test", "password": temporary}).status_code == 401


def test_a_temporary_password_expires_after_24_hours(api, anon, bob, clock):
    temporary = api.post(f"/org/users/{bob.pk}/password/reset").json()["password"]
    clock.advance(hours=24, seconds=1)
    assert anon.post("/auth/login", {"email": "bob@acme.test", "password": temporary}).status_code == 401


def test_an_admin_cannot_take_over_an_account_shared_with_another_org(api, bob, globex):
    from apps.org.services.organizations import member_add

    member_add(org=globex, user=bob, role_keys=["member"])
    refused = api.post(f"/org/users/{bob.pk}/password/reset")
    assert refused.status_code == 403 and refused.json()["code"] == "user_shared_with_other_organizations"
    assert api.patch(f"/org/users/{bob.pk}", {"email": "bob@evil.test"}).status_code == 403


def test_change_own_password_needs_the_current_one_and_ends_other_logins(api, api_as, alice, acme):
    other = api_as(alice, acme)
    wrong = api.post(f"/org/users/{alice.pk}/password", {"currentPassword": "nope", "newPassword": "new battery horse"})
    assert wrong.status_code == 401 and "currentPassword" in wrong.json()["details"]["fieldErrors"]
    weak = api.post(f"/org/users/{alice.pk}/password", {"currentPassword": PASSWORD, "newPassword": "short"})
    assert weak.status_code == 400
    body = {"currentPassword": PASSWORD, "newPassword": "new battery horse"}
    assert api.post(f"/org/users/{alice.pk}/password", body).status_code == 204
    assert api.get("/me").status_code == 200
    assert other.get("/me").status_code == 401
    assert Login.objects.filter(user=alice, revoked_at__isnull=True).count() == 1


def test_nobody_changes_someone_elses_password(api, bob):
    body = {"currentPassword": PASSWORD, "newPassword": "new battery horse"}
    assert api.post(f"/org/users/{bob.pk}/password", body).status_code == 403


def _admin(user, org):
    from apps.org.models import MemberRole, Role

    MemberRole.objects.filter(member__user=user, member__organization=org).update(
        role=Role.objects.get(organization=org, key="admin")
    )


def test_an_admin_cannot_take_over_or_remove_an_owner(api_as, alice, bob, acme):
    """A temporary password, an MFA reset then an email change, a removal: each would end the Owner's control."""
    _admin(bob, acme)
    as_admin = api_as(bob, acme)
    for response in (
        as_admin.post(f"/org/users/{alice.pk}/password/reset"),
        as_admin.delete(f"/org/users/{alice.pk}/mfa"),
        as_admin.patch(f"/org/users/{alice.pk}", {"email": "mallory@evil.test"}),
        as_admin.patch(f"/org/users/{alice.pk}", {"displayName": "Mallory"}),
        as_admin.delete(f"/org/users/{alice.pk}"),
    ):
        assert response.status_code == 403, response.json()
        assert response.json()["details"]["causedBy"] == "CanManageOwners"
    alice.refresh_from_db()
    assert alice.email == "alice@acme.test" and alice.check_password(PASSWORD) and not alice.password_change_required
    assert Member.objects.filter(organization=acme, user=alice).exists()


def test_an_owner_still_administers_an_admin(api, bob, acme):
    _admin(bob, acme)
    assert api.post(f"/org/users/{bob.pk}/password/reset").status_code == 200


def test_the_console_refuses_an_admin_acting_on_an_owner(alice, bob, acme):
    from django.test import Client

    _admin(bob, acme)
    client = Client()
    client.post("/login/", {"email": bob.email, "password": PASSWORD})
    for action in ("password-reset", "mfa-reset", "delete"):
        assert client.post(f"/identity/users/{alice.pk}/{action}").status_code == 403, action
    assert Member.objects.filter(organization=acme, user=alice).exists()


def test_an_admin_renames_the_membership_here_never_the_persons_profile(api, api_as, bob, acme, globex, charlie):
    from apps.org.services.organizations import member_add

    member_add(org=globex, user=bob, role_keys=["member"])
    renamed = api.patch(f"/org/users/{bob.pk}", {"displayName": "Bobby (contractor)"})
    assert renamed.status_code == 200 and renamed.json()["displayName"] == "Bobby (contractor)"
    assert api.get(f"/org/users/{bob.pk}").json()["displayName"] == "Bobby (contractor)"
    assert Member.objects.get(organization=acme, user=bob).name == "Bobby (contractor)"
    bob.refresh_from_db()
    assert bob.display_name == "" and bob.name == "Bob"  # the person's own profile is untouched
    assert api_as(charlie, globex).get(f"/org/users/{bob.pk}").json()["displayName"] == "Bob"
    assert api_as(bob).get("/me").json()["user"]["displayName"] == ""


def test_an_admin_cannot_change_the_persons_own_names(api, bob):
    refused = api.patch(f"/org/users/{bob.pk}", {"givenName": "Robert", "familyName": "Tables"})
    assert refused.status_code == 400 and set(refused.json()["details"]["fieldErrors"]) == {"givenName", "familyName"}
    assert api.patch(f"/org/users/{bob.pk}", {"givenName": "Bob"}).status_code == 200  # unchanged is fine
    bob.refresh_from_db()
    assert bob.given_name == "Bob"


def test_a_blank_display_name_shows_the_persons_own_name_again(api, bob):
    api.patch(f"/org/users/{bob.pk}", {"displayName": "Bobby"})
    assert api.patch(f"/org/users/{bob.pk}", {"displayName": ""}).json()["displayName"] == "Bob"


def test_a_user_manager_cannot_create_accounts_stronger_than_themselves(api_as, acme, db):
    """The creator picks the address the set-password link goes to: a stronger account would be theirs."""
    from apps.identity.services.users import user_create
    from apps.org.models import Policy
    from apps.org.services.organizations import member_add

    vera = user_create(email="vera@acme.test", password=PASSWORD)
    member_add(org=acme, user=vera, role_keys=["viewer"])
    Policy.objects.create(
        organization=acme, principal_id=vera.pk, principal_type="user", permissions=["CanManageUsers", "CanViewUsers"]
    )
    from apps.org.models import Role

    acme.default_org_role = Role.objects.get(organization=acme, key="admin")  # new accounts start as Admins
    acme.save()
    refused = api_as(vera, acme).post("/org/users", {"email": "sock@acme.test"})
    assert refused.status_code == 403 and refused.json()["code"] == "grants_exceed_yours"
    assert not User.objects.filter(email="sock@acme.test").exists()
