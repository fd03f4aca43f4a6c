import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.errors import Forbidden
from apps.org.access import grants, has, require, visible
from apps.org.models import Member, Policy
from apps.org.services.teams import team_create, team_delete
from tests.org.conftest import owner_principal


def test_org_roles_without_all_teams_reach_only_their_teams_resources(bob, acme, data_team, in_team, as_alice):
    other = team_create(principal=as_alice, name="Other")
    in_team(data_team, bob, "team_viewer")
    principal = owner_principal(bob, acme)
    # Bob's Member role authors workloads, but only in his teams; team roles add to it.
    assert has(principal, "CanManageJobs", team_ids=[data_team.pk])
    assert not has(principal, "CanManageJobs", team_ids=[other.pk])
    assert not has(principal, "CanManageJobs")
    assert has(principal, "CanViewRoles")  # organization-only relation: org-wide


def test_all_teams_roles_reach_every_team(as_alice, acme, data_team):
    assert has(as_alice, "CanManageJobs", team_ids=["ANYTEAM"]) and has(as_alice, "CanManageJobs")


def test_team_roles_grant_in_their_team(viewer, acme, data_team, in_team):
    in_team(data_team, viewer, "team_admin")
    principal = owner_principal(viewer, acme)
    assert has(principal, "CanRunJobs", team_ids=[data_team.pk])
    assert not has(principal, "CanRunJobs")


def test_deleting_a_team_takes_away_access_to_its_resources(bob, acme, data_team, in_team, as_alice):
    in_team(data_team, bob)
    resource_teams = [data_team.pk]  # a job shared with the team
    before = owner_principal(bob, acme)
    assert has(before, "CanViewJobs", team_ids=resource_teams)
    shared = visible(Member.objects.all(), before, "CanViewJobs", team_field="team_memberships__team")
    assert list(shared) == [Member.objects.get(user=bob)]
    team_delete(principal=as_alice, team=data_team)
    after = owner_principal(bob, acme)
    assert not has(after, "CanViewJobs", team_ids=resource_teams)
    assert not visible(Member.objects.all(), after, "CanViewJobs", team_field="team_memberships__team").exists()


def test_team_policies_apply_to_the_teams_members(bob, acme, data_team, in_team):
    in_team(data_team, bob)
    Policy.objects.create(
        organization=acme, principal_type="team", principal_id=data_team.pk, permissions=["CanManageConnections"]
    )
    assert has(owner_principal(bob, acme), "CanManageConnections")


def test_require_refuses_objects_of_another_org(as_alice, charlie, globex):
    other_team = team_create(principal=owner_principal(charlie, globex), name="G")
    with pytest.raises(Forbidden):
        require(as_alice, "CanManageTeams", other_team)


def test_grants_load_in_one_query_whatever_the_number_of_teams(bob, acme, as_alice, in_team):
    for i in range(40):
        in_team(team_create(principal=as_alice, name=f"T{i}"), bob)
    principal = owner_principal(bob, acme)
    with CaptureQueriesContext(connection) as queries:
        assert len(grants(principal).in_teams) == 40
        assert has(principal, "CanRunJobs", team_ids=["X", "Y"]) is False
        has(principal, "CanViewJobs")
    assert len(queries) == 1


def test_a_service_account_holds_only_its_policy(acme):
    from apps.core.principal import Principal
    from apps.identity.models import ServiceAccount

    account = ServiceAccount.objects.create(organization=acme, username="bot")
    principal = Principal(service_account=account, org=acme)
    assert not has(principal, "CanViewJobs")
    Policy.objects.create(
        organization=acme, principal_type="service_account", principal_id=account.pk, permissions=["CanViewJobs"]
    )
    assert has(Principal(service_account=account, org=acme), "CanViewJobs")


def test_one_query_still_sees_every_source_of_grants(bob, acme, as_alice, in_team):
    """Org role, team role and a policy on a team the member is in: each reaches the grants through the union."""
    from apps.org.services.policies import policy_set

    team = team_create(principal=as_alice, name="Union")
    in_team(team, bob, "team_viewer")
    policy_set(principal=as_alice, principal_id=team.pk, permissions=["CanViewAuditLog"])
    held = grants(owner_principal(bob, acme))
    assert "CanViewMembers" in held.org_wide  # from the Member org role
    assert "CanViewJobs" in held.in_teams[team.pk]  # from the team role
    assert "CanViewAuditLog" in held.org_wide  # from the team's policy


def test_members_grants_equal_each_members_own_for_few_and_many(bob, viewer, alice, acme, data_team, in_team):
    """Two ways to answer (compiled queries per member for a few, three bulk queries for more): the same grants."""
    from apps.org.access import member_grants, members_grants

    in_team(data_team, bob, "team_admin")
    in_team(data_team, viewer)
    Policy.objects.create(
        organization=acme, principal_type="team", principal_id=data_team.pk, permissions=["CanManageConnections"]
    )
    Policy.objects.create(organization=acme, principal_type="user", principal_id=viewer.pk, permissions=["CanRunJobs"])
    members = {m.pk: m for m in Member.objects.filter(organization=acme, user__in=[alice, bob, viewer])}
    expected = {pk: member_grants(member) for pk, member in members.items()}
    assert members_grants(acme.pk, list(members)) == expected  # three: the bulk queries
    for pk in members:
        assert members_grants(acme.pk, [pk]) == {pk: expected[pk]}  # one: the compiled per-member queries
    Member.objects.filter(pk__in=list(members)).update(is_enabled=False)
    assert members_grants(acme.pk, list(members)[:1]) == {} == members_grants(acme.pk, list(members))
