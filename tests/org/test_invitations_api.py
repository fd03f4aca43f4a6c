from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.utils import timezone

from apps.org.models import Invitation, Member, Role, TeamMember
from tests.conftest import PASSWORD, ApiClient


@pytest.fixture
def invite(api, data_team, team_role):
    def create(email="dana@example.test", **extra):
        body = {"email": email, "name": "Dana", "teamAssignments": [{"teamId": data_team.pk}], **extra}
        return api.post("/org/invites", body)

    return create


def _token(response) -> str:
    return response.json()["invitationToken"]


def test_it_invites_by_email_with_a_one_time_link(invite, mailbox, settings, acme, django_capture_on_commit_callbacks):
    settings.CONSOLE_BASE_URL = "https://console.example"
    with django_capture_on_commit_callbacks(execute=True):
        response = invite()
    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "dana@example.test" and body["organization"]["id"] == acme.pk
    assert body["organizationRoleId"] == Role.objects.get(organization=acme, key="member").pk
    assert body["inviteUrl"] == f"https://console.example/invitations/{body['invitationToken']}/"
    assert mailbox.first_link("dana@example.test") == body["inviteUrl"]
    assert Invitation.objects.get(pk=body["id"]).token_hash != body["invitationToken"]


def test_it_can_skip_the_email(invite, mailbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert invite(sendEmail=False).status_code == 201
    assert mailbox.messages == []


def test_anyone_with_the_token_can_describe_it(invite, anon):
    token = _token(invite())
    response = anon.get(f"/org/invites/{token}")
    assert response.status_code == 200 and response.json()["email"] == "dana@example.test"
    assert anon.get("/org/invites/not-a-token").status_code == 404


def test_a_new_user_accepts_and_gets_role_and_teams(invite, anon, data_team, acme, team_role):
    token = _token(invite())
    body = {"user": {"email": "Dana@example.test", "givenName": "Dana", "password": PASSWORD}}
    response = anon.post(f"/org/invites/{token}/accept", body)
    assert response.status_code == 200
    assert response.json()["nextStep"] == "sign_in" and response.json()["organization"]["id"] == acme.pk
    member = Member.objects.get(organization=acme, user__email="dana@example.test")
    assert list(member.roles.values_list("key", flat=True)) == ["member"]
    link = TeamMember.objects.get(member=member)
    assert link.team == data_team and [r.key for r in link.roles.all()] == ["team_viewer"]
    assert member.invite_accepted_at is not None
    login = anon.post("/auth/login", {"email": "dana@example.test", "password": PASSWORD})
    assert login.status_code == 200 and login.json()["organizations"][0]["id"] == acme.pk


def test_an_invitation_works_once(invite, anon):
    token = _token(invite())
    body = {"user": {"email": "dana@example.test", "password": PASSWORD}}
    assert anon.post(f"/org/invites/{token}/accept", body).status_code == 200
    again = anon.post(f"/org/invites/{token}/accept", body)
    assert again.status_code == 404 and again.json()["code"] == "invitation_accepted"


def test_an_expired_invitation_is_refused(invite, anon):
    token = _token(invite())
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = anon.post(f"/org/invites/{token}/accept", {"user": {"email": "dana@example.test", "password": PASSWORD}})
    assert response.status_code == 404 and response.json()["code"] == "invitation_expired"
    assert not Member.objects.filter(user__email="dana@example.test").exists()


def test_invitations_expire_after_seven_days(invite):
    expires = Invitation.objects.get(pk=invite().json()["id"]).expires_at
    assert timedelta(days=7) - timedelta(minutes=1) < expires - timezone.now() <= timedelta(days=7)


def test_a_signed_in_user_accepts_with_their_account(invite, charlie, globex, acme):
    token = _token(invite(email="charlie@globex.test"))
    response = ApiClient().as_(charlie).post(f"/org/invites/{token}/accept", {})
    assert response.status_code == 200 and response.json()["nextStep"] == "console"
    assert Member.objects.filter(organization=acme, user=charlie).exists()


def test_a_signed_in_user_cannot_take_someone_elses_invitation(invite, charlie, acme):
    token = _token(invite())
    response = ApiClient().as_(charlie).post(f"/org/invites/{token}/accept", {})
    assert response.status_code == 409
    assert not Member.objects.filter(organization=acme, user=charlie).exists()


def test_the_new_account_must_use_the_invited_address(invite, anon):
    token = _token(invite())
    response = anon.post(f"/org/invites/{token}/accept", {"user": {"email": "eve@example.test", "password": PASSWORD}})
    assert response.status_code == 400 and "user.email" in response.json()["details"]["fieldErrors"]


def test_a_weak_password_changes_nothing(invite, anon):
    token = _token(invite())
    response = anon.post(f"/org/invites/{token}/accept", {"user": {"email": "dana@example.test", "password": "123"}})
    assert response.status_code == 400
    assert not Member.objects.filter(user__email="dana@example.test").exists()
    assert Invitation.objects.get().accepted_at is None


def test_the_default_team_is_joined_automatically(invite, anon, acme, as_alice):
    from apps.org.services.teams import team_create

    everyone = team_create(principal=as_alice, name="Everyone")
    acme.default_team = everyone
    acme.save()
    token = _token(invite())
    anon.post(f"/org/invites/{token}/accept", {"user": {"email": "dana@example.test", "password": PASSWORD}})
    automatic = TeamMember.objects.get(team=everyone, member__user__email="dana@example.test")
    assert automatic.is_automatic is True


def test_inviting_a_member_or_bad_teams_is_refused(invite, data_team):
    assert invite(email="bob@acme.test").status_code in (201, 409)
    assert invite(email="alice@acme.test").status_code == 409
    bad = invite(teamAssignments=[{"teamId": "NOPE"}])
    assert bad.status_code == 400 and "teamAssignments[0].teamId" in bad.json()["details"]["fieldErrors"]


def test_a_member_cannot_invite(api_as, bob, acme):
    assert api_as(bob, acme).post("/org/invites", {"email": "x@example.test"}).status_code == 403


def test_an_admin_cannot_invite_an_owner(api_as, bob, acme, member_of):
    from apps.org.models import MemberRole

    MemberRole.objects.filter(member=member_of(bob)).update(role=Role.objects.get(organization=acme, key="admin"))
    owner = Role.objects.get(organization=acme, key="owner")
    response = api_as(bob, acme).post("/org/invites", {"email": "x@example.test", "organizationRoleId": owner.pk})
    assert response.status_code == 403 and response.json()["details"]["causedBy"] == "CanManageOwners"


def test_the_invite_url_path_is_served_by_the_console(invite, client):
    url = invite().json()["inviteUrl"]
    assert client.get(urlparse(url).path).status_code == 200
