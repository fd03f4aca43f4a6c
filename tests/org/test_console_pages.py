import pytest
from django.test import Client

from apps.identity.services.logins import login_create
from apps.identity.sessions import SESSION_LOGIN_KEY
from apps.org.models import Invitation, Member, Policy, Team, TeamMember
from tests.conftest import PASSWORD


def console_as(user) -> Client:
    client = Client()
    client.force_login(user, backend="apps.identity.backends.EmailBackend")
    login, _token = login_create(user=user)
    session = client.session
    session[SESSION_LOGIN_KEY] = login.pk
    session.save()
    return client


@pytest.fixture
def owner_console(alice):
    return console_as(alice)


def test_the_members_page_lists_filters_and_sorts(owner_console, bob, viewer, data_team, in_team):
    in_team(data_team, bob)
    page = owner_console.get("/org/members/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "bob@acme.test" in html and "victor@acme.test" in html and "Invite people" in html
    partial = owner_console.get(f"/org/members/?team={data_team.pk}", headers={"HX-Request": "true"}).content.decode()
    assert "bob@acme.test" in partial and "victor@acme.test" not in partial and "<html" not in partial
    searched = owner_console.get("/org/members/?q=zzz", headers={"HX-Request": "true"}).content.decode()
    assert "No members match" in searched


def test_inviting_from_the_members_page(owner_console, mailbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_console.post(
            "/org/members/invite",
            {"email": "erin@example.test", "role": _role("member")},
            headers={"HX-Request": "true"},
        )
    assert response.status_code == 200 and "closeDialogs" in response["HX-Trigger"]
    assert Invitation.objects.filter(email="erin@example.test").exists()
    assert "/invitations/" in mailbox.first_link("erin@example.test")


def _role(key):
    from apps.org.models import Role

    return Role.objects.get(organization__slug="acme-corp", key=key).pk


def test_an_invalid_invitation_shows_the_error_in_the_form(owner_console):
    response = owner_console.post(
        "/org/members/invite", {"email": "alice@acme.test", "role": _role("member")}, headers={"HX-Request": "true"}
    )
    assert "already a member" in response.content.decode().lower()
    assert not Invitation.objects.exists()


def test_editing_roles_and_removing_a_member(owner_console, bob, member_of):
    member = member_of(bob)
    asked = owner_console.post(f"/org/members/{member.pk}/roles", {"roles": [_role("admin")]})
    assert asked.status_code == 200 and "Grant Admin" in asked.content.decode()  # a sweeping role asks first
    confirmed = {"roles": [_role("admin")], "confirmed": _role("admin")}
    response = owner_console.post(f"/org/members/{member.pk}/roles", confirmed)
    assert response.status_code == 302
    assert list(member.roles.values_list("key", flat=True)) == ["admin"]
    assert owner_console.post(f"/org/members/{member.pk}/remove").status_code == 302
    assert not Member.objects.filter(pk=member.pk).exists()


def test_the_last_owner_is_protected_in_the_console_too(owner_console, alice, member_of):
    response = owner_console.post(f"/org/members/{member_of(alice).pk}/roles", {"roles": [_role("admin")]})
    assert "last Owner" in response.content.decode()


def test_team_pages_create_add_and_delete(owner_console, bob, member_of, team_role):
    response = owner_console.post("/org/teams/", {"name": "Platform", "default_role": team_role("team_member").pk})
    team = Team.objects.get(name="Platform")
    assert response["Location"] == f"/org/teams/{team.pk}/"
    owner_console.post(
        f"/org/teams/{team.pk}/members", {"member": member_of(bob).pk, "role": team_role("team_admin").pk}
    )
    assert TeamMember.objects.filter(team=team, member=member_of(bob)).exists()
    assert "bob@acme.test" in owner_console.get(f"/org/teams/{team.pk}/").content.decode()
    owner_console.post(f"/org/teams/{team.pk}/delete")
    assert not Team.objects.filter(pk=team.pk).exists()


def test_a_member_sees_only_their_teams_and_no_admin_controls(bob, data_team, in_team, as_alice):
    from apps.org.services.teams import team_create

    secret = team_create(principal=as_alice, name="Secret")
    in_team(data_team, bob)
    client = console_as(bob)
    teams = client.get("/org/teams/").content.decode()
    assert "Data" in teams and "Secret" not in teams and "Create team" not in teams
    assert client.get(f"/org/teams/{secret.pk}/").status_code == 404
    assert "Invite people" not in client.get("/org/members/").content.decode()
    assert client.post(f"/org/teams/{data_team.pk}/delete").status_code == 403


def test_the_role_matrix(owner_console):
    html = owner_console.get("/org/roles/").content.decode()
    assert "CanManageJobs" in html and "Team Admin" in html and "Owner" in html


def test_the_policy_editor(owner_console, bob):
    owner_console.post("/org/policies/", {"principal": bob.pk, "permissions": ["CanManageConnections"]})
    assert Policy.objects.get(principal_id=bob.pk).permissions == ["CanManageConnections"]
    assert "CanManageConnections" in owner_console.get("/org/policies/").content.decode()
    owner_console.post(f"/org/policies/{bob.pk}/delete")
    assert not Policy.objects.exists()


def test_accepting_an_invitation_creates_the_account_and_signs_in(client, as_alice, data_team):
    from apps.org.services.invitations import invitation_create

    _invitation, token = invitation_create(
        principal=as_alice, email="fay@example.test", team_assignments=[{"teamId": data_team.pk}], send_email=False
    )
    page = client.get(f"/invitations/{token}/")
    assert "Join Acme Corp" in page.content.decode()
    weak = client.post(f"/invitations/{token}/", {"given_name": "Fay", "password": "short"})
    assert weak.status_code == 200 and not Member.objects.filter(email="fay@example.test").exists()
    response = client.post(f"/invitations/{token}/", {"given_name": "Fay", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # signed in
    assert TeamMember.objects.filter(team=data_team, member__email="fay@example.test").exists()
    assert client.get(f"/invitations/{token}/").status_code == 404


def test_the_org_pages_need_a_login(client, db):
    assert client.get("/org/members/")["Location"].startswith("/login/")
