"""Safe defaults: a new team's members get the least-privileged team role; granting a role that reaches every
team (Owner, Admin) asks first and says what it gives."""

import re

from apps.org.models import Invitation, Role, Team, TeamMember
from apps.org.services.teams import least_privileged_team_role, team_create
from tests.org.test_console_pages import console_as

HTMX = {"HTTP_HX_REQUEST": "true"}


def _selected(html: str, select_id: str) -> str:
    select = html.split(f'id="{select_id}"', 1)[1].split("</select>", 1)[0]
    return re.search(r'<option value="([^"]*)"[^>]*selected', select).group(1)


def test_the_least_privileged_team_role_is_team_viewer(acme, team_role):
    assert least_privileged_team_role(acme.pk) == team_role("team_viewer")


def test_a_new_team_defaults_to_the_least_privileged_role_in_the_console_and_the_service(
    alice, as_alice, bob, member_of, team_role
):
    client = console_as(alice)
    assert _selected(client.get("/org/teams/").content.decode(), "id_default_role") == team_role("team_viewer").pk
    assert team_create(principal=as_alice, name="Data").default_role == team_role("team_viewer")
    client.post(
        "/org/teams/",
        {"name": "Platform", "default_role": _selected(client.get("/org/teams/").content.decode(), "id_default_role")},
    )
    team = Team.objects.get(name="Platform")
    page = client.get(f"/org/teams/{team.pk}/").content.decode()
    role = _selected(page, "id_role")  # the add-member form starts at the team's default
    assert role == team_role("team_viewer").pk
    client.post(f"/org/teams/{team.pk}/members", {"member": member_of(bob).pk, "role": role})
    link = TeamMember.objects.get(team=team, member=member_of(bob))
    assert [r.key for r in link.roles.all()] == ["team_viewer"]


def test_granting_admin_asks_first_and_says_what_it_gives(alice, bob, acme, member_of):
    client = console_as(alice)
    admin = Role.objects.get(organization=acme, key="admin")
    member = member_of(bob)
    asked = client.post(f"/org/members/{member.pk}/roles", {"roles": [admin.pk]})
    html = asked.content.decode()
    assert asked.status_code == 200 and "Grant Admin to Bob?" in html
    assert "Manage cloud connections, networks and clusters" in html and "across every team" in html
    assert f'name="confirmed" value="{admin.pk}"' in html and "Yes, grant Admin" in html
    assert list(member.roles.values_list("key", flat=True)) == ["member"]
    done = client.post(f"/org/members/{member.pk}/roles", {"roles": [admin.pk], "confirmed": admin.pk})
    assert done.status_code == 302 and list(member.roles.values_list("key", flat=True)) == ["admin"]


def test_a_confirmation_covers_only_the_roles_it_named(alice, bob, acme, member_of):
    admin, owner = (Role.objects.get(organization=acme, key=k) for k in ("admin", "owner"))
    member = member_of(bob)
    response = console_as(alice).post(f"/org/members/{member.pk}/roles", {"roles": [owner.pk], "confirmed": admin.pk})
    assert response.status_code == 200 and "Grant Owner to Bob?" in response.content.decode()
    assert list(member.roles.values_list("key", flat=True)) == ["member"]


def test_an_owner_made_admin_gains_nothing_and_is_not_asked(alice, bob, acme, member_of, as_alice):
    from apps.org.services.members import member_roles_set

    owner, admin = (Role.objects.get(organization=acme, key=k) for k in ("owner", "admin"))
    member_roles_set(principal=as_alice, member=member_of(bob), role_ids=[owner.pk])
    response = console_as(alice).post(f"/org/members/{member_of(bob).pk}/roles", {"roles": [admin.pk]})
    assert response.status_code == 302


def test_inviting_an_admin_asks_first_in_the_dialog(alice, acme):
    client = console_as(alice)
    admin = Role.objects.get(organization=acme, key="admin")
    body = {"email": "erin@example.test", "role": admin.pk, "team": ""}
    asked = client.post("/org/members/invite", body, **HTMX)
    assert "<html" not in asked.content.decode() and "Grant Admin to erin@example.test?" in asked.content.decode()
    assert not Invitation.objects.exists()
    done = client.post("/org/members/invite", {**body, "confirmed": admin.pk}, **HTMX)
    assert done.status_code == 200 and "closeDialogs" in done["HX-Trigger"]
    assert Invitation.objects.get().organization_role == admin


def test_inviting_a_member_does_not_ask(alice, acme):
    member = Role.objects.get(organization=acme, key="member")
    done = console_as(alice).post("/org/members/invite", {"email": "fay@example.test", "role": member.pk}, **HTMX)
    assert "closeDialogs" in done["HX-Trigger"]
