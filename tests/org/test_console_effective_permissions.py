"""Effective permissions in plain words: each permission a member or a service account holds, with where it
comes from (org role, team role in a team, policy), agreeing with the grants the access engine enforces."""

import pytest

from apps.identity.models import ServiceAccount
from apps.org.access import Source, member_grants, permission_sources
from apps.org.permission_domains import catalog_groups, domain_of, effective_permissions
from apps.org.services.policies import policy_set
from apps.org.services.teams import team_create
from tests.org.test_console_pages import console_as


@pytest.fixture
def bob_everywhere(as_alice, bob, data_team, in_team):
    """Bob: a Member, Team Member of Data, with a policy of his own and one on the Data team."""
    in_team(data_team, bob, "team_member")
    policy_set(principal=as_alice, principal_id=bob.pk, permissions=["CanManageConnections"])
    policy_set(principal=as_alice, principal_id=data_team.pk, permissions=["CanViewAuditLog"])
    return bob


def test_each_permission_names_its_source(bob_everywhere, member_of):
    pairs = set(permission_sources(member_of(bob_everywhere)))
    assert ("CanViewMembers", Source("org_role", "Member")) in pairs  # organization-wide
    assert ("CanManageJobs", Source("org_role", "Member", "Data")) in pairs  # team-scoped: in his teams only
    assert ("CanManageJobs", Source("team_role", "Team Member", "Data")) in pairs
    assert ("CanManageConnections", Source("policy", "this user")) in pairs
    assert ("CanViewAuditLog", Source("policy", "team Data")) in pairs
    assert Source("team_role", "Team Member", "Data").label == "Team role Team Member in team Data"
    assert Source("policy", "team Data").label == "Policy on team Data"
    assert not any(r == "CanManageMembers" for r, _source in pairs)


@pytest.mark.parametrize("who", ["alice", "bob", "viewer"])
def test_the_sources_add_up_to_the_grants_the_engine_enforces(
    request, who, bob_everywhere, member_of, as_alice, in_team
):
    ops = team_create(principal=as_alice, name="Ops")
    user = request.getfixturevalue(who)
    if who == "viewer":  # a Viewer in two teams: their role's team-scoped permissions reach both
        in_team(ops, user, "team_viewer")
        in_team(request.getfixturevalue("data_team"), user, "team_admin")
        policy_set(principal=as_alice, principal_id=ops.pk, permissions=["CanViewClusters"])
    member = member_of(user)
    pairs = permission_sources(member)
    grants = member_grants(member)
    assert {r for r, s in pairs if not s.team} == set(grants.org_wide)
    teams = {t: n for t, n in member.team_memberships.values_list("team_id", "team__name")}
    for team_id, perms in grants.in_teams.items():
        assert {r for r, s in pairs if s.team == teams[team_id]} == set(perms)


def test_a_service_account_holds_only_what_policies_give_it(acme, as_alice):
    account = ServiceAccount.objects.create(organization=acme, username="ci-bot")
    assert permission_sources(account) == []
    policy_set(principal=as_alice, principal_id=account.pk, permissions=["CanViewJobs", "CanRunJobs"])
    assert set(permission_sources(account)) == {
        ("CanViewJobs", Source("policy", "this service account")),
        ("CanRunJobs", Source("policy", "this service account")),
    }
    groups = effective_permissions(account)
    assert [domain for domain, _items in groups] == ["Workloads"]
    assert [e.permission.name for e in groups[0][1]] == ["View jobs", "Run jobs"]


def test_the_catalog_is_grouped_by_domain_in_words():
    groups = dict(catalog_groups())
    assert list(groups) == ["Organization", "Identity", "Infrastructure", "Workloads", "Notifications"]
    members = next(p for p in groups["Organization"] if p.relation == "CanManageMembers")
    assert (members.name, members.description) == ("Manage members", "Manage organization members and their roles")
    assert domain_of("CanRunJobs") == "Workloads" and domain_of("CanDoSomethingNew") == "Other"


def test_the_member_page_shows_effective_permissions_with_sources(alice, bob_everywhere, member_of):
    html = console_as(alice).get(f"/org/members/{member_of(bob_everywhere).pk}/").content.decode()
    assert "Effective permissions" in html and "Manage connections" in html
    assert "Org role Member in team Data" in html and "Team role Team Member in team Data" in html
    assert "Policy on this user" in html and "Policy on team Data" in html
    assert html.index('<h3 id="perm-organization">') < html.index('<h3 id="perm-workloads">')


def test_a_service_account_without_grants_says_so(alice, acme, as_alice):
    account = ServiceAccount.objects.create(organization=acme, username="ci-bot")
    client = console_as(alice)
    html = client.get(f"/identity/service-accounts/{account.pk}/").content.decode()
    assert "This service account has no permissions yet" in html
    assert f"/org/policies/?principal={account.pk}" in html
    policy_set(principal=as_alice, principal_id=account.pk, permissions=["CanViewJobs"])
    html = client.get(f"/identity/service-accounts/{account.pk}/").content.decode()
    assert "no permissions yet" not in html and "Policy on this service account" in html and "View jobs" in html


def test_the_policy_editor_groups_permissions_with_descriptions(alice):
    html = console_as(alice).get("/org/policies/").content.decode()
    assert "<legend>Infrastructure</legend>" in html and "Manage and provision networks" in html
    assert 'value="CanManageOwners"' not in html  # system-only: no policy gives it


def test_the_role_matrix_reads_in_words(alice):
    html = console_as(alice).get("/org/roles/").content.decode()
    assert 'scope="rowgroup"' in html and "Author, publish and delete jobs" in html
    assert "Full control, including acting on other Owners" in html
