"""Who may hear of an event: personal rules only tell their member what the member may see, team rules only
tell their team about what is shared with it. Decided with `apps.org.access` grants, loaded for every member
the event concerns at once (three queries, whatever the number of rules or members)."""

from collections import defaultdict
from collections.abc import Iterable

from apps.notifications.catalog import EventType
from apps.org import access
from apps.org.access import Grants
from apps.org.models import Member, Policy, TeamMember
from apps.org.permissions import TEAM_RELATIONS


def members_grants(organization_id: str, member_ids: Iterable[str]) -> dict[str, Grants]:
    """The grants of enabled members, as `access.member_grants` computes them one by one."""
    members: dict[str, str] = {}
    roles: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for member_id, user_id, key, all_teams in Member.objects.filter(
        organization_id=organization_id, pk__in=set(member_ids), is_enabled=True
    ).values_list("pk", "user_id", "role_links__role__key", "role_links__role__all_teams"):
        members[member_id] = user_id
        if key is not None:
            roles[member_id].append((key, all_teams))
    if not members:
        return {}
    teams: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for member_id, team_id, role_key in TeamMember.objects.filter(member_id__in=members).values_list(
        "member_id", "team_id", "role_links__team_role__key"
    ):
        teams[member_id].append((team_id, role_key))
    principal_ids = {*members.values(), *(team for links in teams.values() for team, _ in links)}
    policies = dict(
        Policy.objects.filter(organization_id=organization_id, principal_id__in=principal_ids).values_list(
            "principal_id", "permissions"
        )
    )
    grants = {}
    for member_id, user_id in members.items():
        held = [policies[p] for p in (user_id, *{team for team, _ in teams[member_id]}) if p in policies]
        # The same combination rule `access` applies to one member (roles, team links, policies).
        grants[member_id] = access._combine(roles[member_id], teams[member_id], held)
    return grants


def sees(grants: Grants | None, event_type: EventType, team_ids: list[str]) -> bool:
    """Whether these grants show the event: its view relation org-wide, or in one of the teams it is shared with."""
    if grants is None:
        return False
    relation = event_type.view_relation
    return relation in grants.org_wide or any(relation in grants.in_teams.get(team, ()) for team in team_ids)


def team_hears(team_id: str, event_type: EventType, team_ids: list[str]) -> bool:
    """A team rule hears of team-shared resources shared with its team, and of organization-wide ones."""
    return team_id in team_ids if event_type.view_relation in TEAM_RELATIONS else True
