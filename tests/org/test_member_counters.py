"""Member counters (`TeamMemberCount`, `RoleMemberCount`, `TeamRoleMemberCount`, kept by triggers on the link
tables): equal to `COUNT(*)` of the links after every way links come, go and move, and the lists' `memberCount`
read from them."""

import importlib
from collections import Counter

import pytest
from django.db import connection, transaction
from django.db.models import Case, Value, When

from apps.identity.services.users import user_create
from apps.org.models import (
    Member,
    MemberRole,
    Role,
    RoleMemberCount,
    TeamMember,
    TeamMemberCount,
    TeamMemberRole,
    TeamRole,
    TeamRoleMemberCount,
)
from apps.org.services.invitations import invitation_create, invitation_join
from apps.org.services.members import member_remove, member_roles_set
from apps.org.services.organizations import member_add
from apps.org.services.teams import (
    team_create,
    team_delete,
    team_member_add,
    team_member_remove,
    team_member_roles_set,
)
from tests.conftest import PASSWORD

COUNTERS = {"team": TeamMemberCount, "role": RoleMemberCount, "team_role": TeamRoleMemberCount}
LINKS = {
    "team": (TeamMember, "team_id"),
    "role": (MemberRole, "role_id"),
    "team_role": (TeamMemberRole, "team_role_id"),
}


def counted() -> dict[tuple[str, str], int]:
    """Every counter that is not 0 (a negative one is as wrong as a missing one)."""
    return {
        (kind, pk): members
        for kind, model in COUNTERS.items()
        for pk, members in model.objects.exclude(members=0).values_list("pk", "members")
    }


def actual() -> dict[tuple[str, str], int]:
    links: Counter[tuple[str, str]] = Counter()
    for kind, (model, key) in LINKS.items():
        links.update((kind, pk) for pk in model.objects.values_list(key, flat=True))
    return dict(links)


def role(org, key: str) -> Role:
    return Role.objects.get(organization=org, key=key)


@pytest.fixture
def carol(acme):
    user = user_create(email="carol@acme.test", password=PASSWORD, given_name="Carol")
    member_add(org=acme, user=user, role_keys=["member"])
    return user


def test_links_the_services_add_and_remove_are_counted(
    acme, as_alice, bob, carol, viewer, data_team, member_of, team_role
):
    assert counted() == actual()
    assert counted()[("role", role(acme, "member").pk)] == 2
    ops = team_create(principal=as_alice, name="Ops")
    admin, member = team_role("team_admin"), team_role("team_member")
    team_member_add(principal=as_alice, team=data_team, member=member_of(bob), role_ids=[admin.pk, member.pk])
    team_member_add(principal=as_alice, team=data_team, member=member_of(carol), role_ids=[])  # the default role
    team_member_add(principal=as_alice, team=ops, member=member_of(bob), role_ids=[member.pk])
    assert counted() == actual()
    assert counted()[("team", data_team.pk)] == 2 and counted()[("team_role", member.pk)] == 2

    team_member_roles_set(principal=as_alice, team=data_team, member=member_of(bob), role_ids=[admin.pk])
    member_roles_set(principal=as_alice, member=member_of(carol), role_ids=[role(acme, "admin").pk])
    assert counted() == actual()
    assert counted()[("team_role", member.pk)] == 1 and counted()[("role", role(acme, "member").pk)] == 1

    team_member_remove(principal=as_alice, team=data_team, member=member_of(carol))
    member_remove(principal=as_alice, member=member_of(bob))  # his teams and team roles go with him
    assert counted() == actual()
    assert ("team", data_team.pk) not in counted() and ("team", ops.pk) not in counted()
    assert TeamMemberCount.objects.get(team=data_team).members == 0


def test_an_invitation_counts_its_role_and_teams(acme, as_alice, data_team, team_role):
    invitation, _token = invitation_create(
        principal=as_alice,
        email="dan@acme.test",
        organization_role_id=role(acme, "viewer").pk,
        team_assignments=[{"teamId": data_team.pk, "roleId": team_role("team_admin").pk}],
        send_email=False,
    )
    user = user_create(email="dan@acme.test", password=PASSWORD, given_name="Dan")
    with transaction.atomic():
        invitation_join(invitation=invitation, user=user)
    assert counted() == actual()
    assert counted()[("team", data_team.pk)] == counted()[("team_role", team_role("team_admin").pk)] == 1


def test_deleted_teams_roles_and_members_take_their_links_and_counters_along(
    acme, as_alice, bob, carol, data_team, member_of, in_team, team_role
):
    ops = team_create(principal=as_alice, name="Ops")
    for team in (data_team, ops):
        in_team(team, bob)
        in_team(team, carol, "team_admin")
    team_delete(principal=as_alice, team=data_team)
    assert not TeamMemberCount.objects.filter(team_id=data_team.pk).exists()
    assert counted() == actual()
    assert counted()[("team", ops.pk)] == 2

    member_of(carol).delete()
    assert counted() == actual()
    assert counted()[("team", ops.pk)] == 1 and ("team_role", team_role("team_admin").pk) not in counted()

    Role.objects.filter(pk=role(acme, "member").pk).delete()
    TeamRole.objects.filter(pk=team_role("team_member").pk).delete()
    assert not RoleMemberCount.objects.filter(role__key="member").exists()
    assert not TeamRoleMemberCount.objects.filter(team_role__key="team_member").exists()
    assert counted() == actual()

    bob.delete()  # the user: his membership, teams and roles cascade
    assert counted() == actual() == {("role", role(acme, "owner").pk): 1}


def test_bulk_writes_outside_the_services_are_counted(acme, as_alice, bob, carol, viewer, data_team, team_role):
    """The admin's and the ORM's bulk inserts and deletes go past the services: the database counts them."""
    ops = team_create(principal=as_alice, name="Ops")
    members = list(Member.objects.filter(organization=acme))
    links = TeamMember.objects.bulk_create(
        TeamMember(team=team, member=m) for team in (data_team, ops) for m in members
    )
    TeamMemberRole.objects.bulk_create(
        TeamMemberRole(team_member=link, team_role=team_role("team_viewer")) for link in links
    )
    MemberRole.objects.bulk_create(
        MemberRole(member=m, role=role(acme, "viewer")) for m in members if m.user_id != viewer.pk
    )
    assert counted() == actual()
    assert counted()[("team", ops.pk)] == counted()[("role", role(acme, "viewer").pk)] == 4
    assert counted()[("team_role", team_role("team_viewer").pk)] == 8

    TeamMember.objects.filter(team=ops, member__user__in=[bob, carol]).delete()
    MemberRole.objects.filter(role__key="viewer").delete()
    assert counted() == actual()
    assert counted()[("team", ops.pk)] == 2 and ("role", role(acme, "viewer").pk) not in counted()


def test_an_update_that_moves_links_moves_their_counts(
    acme, as_alice, bob, carol, data_team, member_of, in_team, team_role
):
    ops = team_create(principal=as_alice, name="Ops")
    in_team(data_team, bob)
    in_team(data_team, carol)
    in_team(ops, carol, "team_admin")
    TeamMember.objects.filter(team=data_team, member=member_of(bob)).update(team=ops)
    assert counted() == actual()
    assert counted()[("team", data_team.pk)] == 1 and counted()[("team", ops.pk)] == 2

    TeamMemberRole.objects.filter(team_member__team=ops).update(team_role=team_role("team_viewer"))
    MemberRole.objects.filter(role__key="member").update(role=role(acme, "viewer"))
    TeamMember.objects.update(is_automatic=True)  # no key changes: no count either
    for link in TeamMember.objects.all():
        link.save()
    assert counted() == actual()
    assert counted()[("team_role", team_role("team_viewer").pk)] == 2
    assert counted()[("role", role(acme, "viewer").pk)] == 2

    # One statement moving links both ways between two keys.
    viewer, member = team_role("team_viewer"), team_role("team_member")
    TeamMemberRole.objects.update(
        team_role=Case(When(team_role=viewer, then=Value(member.pk)), default=Value(viewer.pk))
    )
    assert counted() == actual()
    assert counted()[("team_role", member.pk)] == 2 and counted()[("team_role", viewer.pk)] == 1


def test_a_rolled_back_transaction_leaves_the_counts_as_they_were(as_alice, bob, data_team, in_team):
    in_team(data_team, bob)
    before = counted()
    with pytest.raises(RuntimeError), transaction.atomic():
        team_delete(principal=as_alice, team=data_team)
        assert ("team", data_team.pk) not in counted()
        raise RuntimeError("changed my mind")
    assert counted() == actual() == before


class _Executor:
    """What the migration's functions use of a schema editor, on the test's own connection and transaction."""

    connection = connection

    def execute(self, sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)


def test_the_migration_counts_the_links_already_there_and_reverses(as_alice, bob, carol, data_team, in_team):
    migration = importlib.import_module("apps.org.migrations.0005_member_counters")
    in_team(data_team, bob)
    migration.uninstall(None, _Executor())
    assert counted() == {}
    in_team(data_team, carol)  # not counted: no triggers
    assert TeamMemberCount.objects.count() == 0
    migration.install(None, _Executor())
    assert counted() == actual()
    assert counted()[("team", data_team.pk)] == 2


def test_the_lists_show_the_counted_members(api, acme, as_alice, bob, carol, data_team, in_team):
    ops, empty = team_create(principal=as_alice, name="Ops"), team_create(principal=as_alice, name="Empty")
    in_team(data_team, bob, "team_admin")
    in_team(data_team, carol)
    in_team(ops, carol)
    expected = actual()

    teams = api.get("/org/teams").json()["items"]
    assert {t["team"]["id"]: t["memberCount"] for t in teams} == {data_team.pk: 2, ops.pk: 1, empty.pk: 0}
    included = api.get("/org/members?sortBy=email").json()["included"]
    shown = {("team", entry["team"]["id"]): entry["memberCount"] for entry in included["teams"]} | {
        (kind, entry["role"]["id"]): entry["memberCount"]
        for kind, name in (("role", "roles"), ("team_role", "teamRoles"))
        for entry in included[name]
    }
    assert shown == expected
    roles = api.get("/org/roles").json()["items"]
    assert {r["role"]["id"]: r["memberCount"] for r in roles} == {
        pk: expected.get(("role", pk), 0) for pk in Role.objects.filter(organization=acme).values_list("pk", flat=True)
    }
    team_roles = api.get("/org/team-roles").json()["items"]
    assert {r["role"]["id"]: r["memberCount"] for r in team_roles} == {
        pk: expected.get(("team_role", pk), 0)
        for pk in TeamRole.objects.filter(organization=acme).values_list("pk", flat=True)
    }
