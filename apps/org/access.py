"""The one authorization entry point: "may this principal do relation R here?".

Grants come from three places: organization roles (org-wide when the role is `allTeams`, otherwise in
the member's own teams for team-scoped relations), team roles (in that team), and policies (org-wide,
for a user, a service account, or a team the member belongs to). They are loaded once per principal
with three queries, whatever the number of roles or teams, and cached on the principal for the request.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from apps.core.errors import Forbidden
from apps.core.principal import Principal
from apps.org.models import MemberRole, Policy, Team, TeamMember
from apps.org.permissions import RELATIONS, SYSTEM_ORG_ROLES, TEAM_RELATIONS, team_role_permissions


@dataclass(frozen=True)
class Grants:
    org_wide: frozenset[str]
    in_teams: dict[str, frozenset[str]]

    def teams_with(self, relation: str) -> list[str]:
        return [team for team, perms in self.in_teams.items() if relation in perms]


def grants(principal: Principal) -> Grants:
    """The principal's grants in its organization, loaded once (three queries) and cached on the principal."""
    if principal.grants_cache is None:
        principal.grants_cache = _load_grants(principal)
    return principal.grants_cache


def permissions(principal: Principal) -> frozenset[str]:
    """Relations held organization-wide."""
    return grants(principal).org_wide


def _load_grants(principal: Principal) -> Grants:
    if principal.org is None:
        return Grants(frozenset(), {})
    org_wide: set[str] = set()
    in_teams: dict[str, set[str]] = {}
    local: set[str] = set()  # team-scoped permissions of roles that are not allTeams
    if principal.member is not None:
        for key, all_teams in MemberRole.objects.filter(member=principal.member).values_list(
            "role__key", "role__all_teams"
        ):
            perms = SYSTEM_ORG_ROLES[key].permissions if key in SYSTEM_ORG_ROLES else frozenset()
            if all_teams:
                org_wide |= perms
            else:
                org_wide |= perms - TEAM_RELATIONS
                local |= perms & TEAM_RELATIONS
        for team_id, role_key in TeamMember.objects.filter(member=principal.member).values_list(
            "team_id", "role_links__team_role__key"
        ):
            in_teams.setdefault(team_id, set(local))
            if role_key:
                in_teams[team_id] |= team_role_permissions(role_key)
    principal_ids = [principal.id, *in_teams]
    for permissions in Policy.objects.filter(organization=principal.org, principal_id__in=principal_ids).values_list(
        "permissions", flat=True
    ):
        org_wide |= set(permissions) & set(RELATIONS)
    return Grants(frozenset(org_wide), {team: frozenset(perms) for team, perms in in_teams.items()})


def has(principal: Principal, relation: str, *, team_ids: Iterable[str] = ()) -> bool:
    """Held org-wide, or in one of `team_ids` (the teams a resource is shared with)."""
    if relation not in RELATIONS:
        raise KeyError(f"unknown relation {relation}")
    held = grants(principal)
    if relation in held.org_wide:
        return True
    return any(relation in held.in_teams.get(team, ()) for team in team_ids)


def require(principal: Principal, relation: str, obj: Any = None, *, team_ids: Iterable[str] = ()) -> None:
    """Raise Forbidden unless the principal holds the relation (on `obj`: a team, or a team-shared resource)."""
    if obj is not None and getattr(obj, "organization_id", None) != (principal.org and principal.org.pk):
        raise Forbidden("You do not have permission to perform this action.", code="permission_denied")
    if isinstance(obj, Team):
        team_ids = [obj.pk, *team_ids]
    if not has(principal, relation, team_ids=team_ids):
        raise Forbidden(
            "You do not have permission to perform this action.", code="permission_denied", caused_by=relation
        )


def visible(queryset: QuerySet, principal: Principal, relation: str, *, team_field: str | None = None) -> QuerySet:
    """The part of an organization-scoped queryset the principal may see.

    `team_field` names the lookup to the teams a row is shared with (`teams`, or `id` for Team itself);
    without it, only an org-wide grant shows anything.
    """
    if principal.org is None:
        return queryset.none()
    queryset = queryset.filter(organization=principal.org)
    held = grants(principal)
    if relation in held.org_wide:
        return queryset
    if team_field is None:
        return queryset.none()
    teams = held.teams_with(relation)
    if not teams:
        return queryset.none()
    if team_field in ("id", "pk"):
        return queryset.filter(pk__in=teams)
    return queryset.filter(**{f"{team_field}__in": teams}).distinct()
