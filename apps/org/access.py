"""The one authorization entry point: "may this principal do relation R here?".

Grants come from three places: organization roles (org-wide when the role is `allTeams`, otherwise in
the member's own teams for team-scoped relations), team roles (in that team), and policies (org-wide,
for a user, a service account, or a team the member belongs to). They are loaded once per principal
with one query, whatever the number of roles or teams, and cached on the principal for the request.

Above the relation an action needs, nobody acts above their own grants: `require_over` (changing a member or a
service account holding more) and `require_may_*` (giving roles, invitations or policies reaching further).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, JSONField, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from apps.core.compiled import CompiledQuery
from apps.core.errors import Forbidden
from apps.core.principal import Principal
from apps.org.models import (
    Member,
    MemberRole,
    Organization,
    Policy,
    Role,
    Team,
    TeamMember,
    TeamMemberRole,
    TeamRole,
)
from apps.org.permissions import RELATIONS, SYSTEM_ORG_ROLES, TEAM_RELATIONS, team_role_permissions


@dataclass(frozen=True)
class Grants:
    org_wide: frozenset[str]
    in_teams: dict[str, frozenset[str]]

    def teams_with(self, relation: str) -> list[str]:
        return [team for team, perms in self.in_teams.items() if relation in perms]

    def beyond(self, held: "Grants") -> frozenset[str]:
        """What these grants reach that `held` does not: relations outside `held`, org-wide or in some team."""
        extra = set(self.org_wide - held.org_wide)
        for team, perms in self.in_teams.items():
            extra |= perms - held.org_wide - held.in_teams.get(team, frozenset())
        return frozenset(extra)


NO_GRANTS = Grants(frozenset(), {})
_NO_PERMISSIONS = Value(None, output_field=JSONField())


def grants(principal: Principal) -> Grants:
    """The principal's grants in its organization, loaded once (one query) and cached on the principal."""
    if principal.grants_cache is None:
        principal.grants_cache = _load_grants(principal)
    return principal.grants_cache


def permissions(principal: Principal) -> frozenset[str]:
    """Relations held organization-wide."""
    return grants(principal).org_wide


def _combine(
    roles: Iterable[tuple[str, bool]], teams: Iterable[tuple[str, str | None]], policies: Iterable[Iterable[str]]
) -> Grants:
    """Grants from org roles (key, allTeams), team links (team id, team role key) and policy permission lists."""
    org_wide: set[str] = set()
    local: set[str] = set()  # team-scoped permissions of roles that are not allTeams
    for key, all_teams in roles:
        perms = SYSTEM_ORG_ROLES[key].permissions if key in SYSTEM_ORG_ROLES else frozenset()
        if all_teams:
            org_wide |= perms
        else:
            org_wide |= perms - TEAM_RELATIONS
            local |= perms & TEAM_RELATIONS
    in_teams: dict[str, set[str]] = {}
    for team_id, role_key in teams:
        in_teams.setdefault(team_id, set(local))
        if role_key:
            in_teams[team_id] |= team_role_permissions(role_key)
    for perms in policies:
        org_wide |= set(perms) & set(RELATIONS)
    return Grants(frozenset(org_wide), {team: frozenset(perms) for team, perms in in_teams.items()})


_COLUMNS = ("g_source", "g_key", "g_all_teams", "g_team", "g_permissions")


def _rows(query: QuerySet, **columns: Any) -> QuerySet:
    """One arm of the grants union: the same five columns, in the same order, for every source."""
    return query.order_by().annotate(**{name: columns[name] for name in _COLUMNS}).values_list(*_COLUMNS)


def _grant_rows(*, org_id: str, principal_id: Any, member_id: Any = None, with_roles: bool = True) -> QuerySet:
    """One query (a UNION ALL): policies of the principal and of its teams, its team links, its org roles."""
    nothing = {"g_key": Value(""), "g_all_teams": Value(False), "g_team": Value(""), "g_permissions": _NO_PERMISSIONS}
    teams_of_member = TeamMember.objects.filter(member_id=member_id).values("team_id")
    policies = _rows(
        Policy.objects.filter(organization_id=org_id).filter(
            Q(principal_id=principal_id) | Q(principal_id__in=teams_of_member)
            if member_id is not None
            else Q(principal_id=principal_id)
        ),
        **{**nothing, "g_source": Value("policy"), "g_permissions": F("permissions")},
    )
    if member_id is None:
        return policies
    arms = [
        _rows(
            TeamMember.objects.filter(member_id=member_id),
            **{
                **nothing,
                "g_source": Value("team"),
                "g_key": Coalesce(F("role_links__team_role__key"), Value("")),
                "g_team": F("team_id"),
            },
        )
    ]
    if with_roles:
        arms.append(
            _rows(
                MemberRole.objects.filter(member_id=member_id),
                **{**nothing, "g_source": Value("role"), "g_key": F("role__key"), "g_all_teams": F("role__all_teams")},
            )
        )
    return policies.union(*arms, all=True)


def _enabled_member_grant_rows(*, org_id: str, member_id: str) -> QuerySet:
    """The grants union of a member of the organization, empty unless the member is enabled: its user (the
    policies' principal) is a subquery, so a member's grants are one round trip without first reading the member."""
    enabled = Member.objects.filter(organization_id=org_id, pk=member_id, is_enabled=True)
    return _grant_rows(
        org_id=org_id, principal_id=Subquery(enabled.values("user_id")), member_id=Subquery(enabled.values("pk"))
    )


# Every API request loads grants: the query is compiled once per shape, not on each call (apps/core/compiled.py).
_GRANTS_OF_MEMBER = CompiledQuery(_grant_rows, "org_id", "principal_id", "member_id")
_GRANTS_WITHOUT_ROLES = CompiledQuery(
    lambda **names: _grant_rows(**names, with_roles=False), "org_id", "principal_id", "member_id"
)
_GRANTS_OF_ACCOUNT = CompiledQuery(_grant_rows, "org_id", "principal_id")
_GRANTS_OF_ENABLED_MEMBER = CompiledQuery(_enabled_member_grant_rows, "org_id", "member_id")


def _held(org_id: str, principal_id: str, member: Member | None, roles: Iterable[Role] | None = None) -> Grants:
    """Org roles (unless given), team links, policies of the principal and of its teams: one query."""
    if member is None:
        rows = _GRANTS_OF_ACCOUNT.rows(org_id=org_id, principal_id=principal_id)
    else:
        query = _GRANTS_OF_MEMBER if roles is None else _GRANTS_WITHOUT_ROLES
        rows = query.rows(org_id=org_id, principal_id=principal_id, member_id=member.pk)
    return _from_rows(rows, roles)


def _from_rows(rows: list[tuple[Any, ...]], roles: Iterable[Role] | None = None) -> Grants:
    role_rows = [(key, bool(all_teams)) for source, key, all_teams, _t, _p in rows if source == "role"]
    if roles is not None:
        role_rows = [(r.key, r.all_teams) for r in roles]
    team_rows = [(team, key or None) for source, key, _a, team, _p in rows if source == "team"]
    policy_rows = [perms or [] for source, _k, _a, _t, perms in rows if source == "policy"]
    return _combine(role_rows, team_rows, policy_rows)


def _load_grants(principal: Principal) -> Grants:
    if principal.org is None:
        return NO_GRANTS
    return _held(principal.org.pk, principal.id, principal.member)


def member_grants(member: Member, *, roles: Iterable[Role] | None = None) -> Grants:
    """What a member holds; with `roles`, what they would hold with those org roles instead (to judge a change)."""
    return _held(member.organization_id, member.user_id, member, roles)


# Up to this many members, one compiled query each beats building the three bulk queries (most events name one).
FEW_MEMBERS = 2


def members_grants(organization_id: str, member_ids: Iterable[str]) -> dict[str, Grants]:
    """The grants of many enabled members at once (at most four queries, whatever their number), as
    `member_grants` computes them one by one: for deciding who may hear of an event."""
    wanted = set(member_ids)
    if len(wanted) <= FEW_MEMBERS:
        grants = {}
        for member_id in wanted:
            rows = _GRANTS_OF_ENABLED_MEMBER.rows(org_id=organization_id, member_id=member_id)
            if rows:  # none: not an enabled member, or one holding nothing; absent means no grants either way
                grants[member_id] = _from_rows(rows)
        return grants
    members: dict[str, str] = {}
    roles: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for member_id, user_id, key, all_teams in Member.objects.filter(
        organization_id=organization_id, pk__in=wanted, is_enabled=True
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
        grants[member_id] = _combine(roles[member_id], teams[member_id], held)
    return grants


def account_grants(account: Any) -> Grants:
    """What a service account holds: the policies naming it (it has no roles or teams)."""
    return _held(account.organization_id, account.pk, None)


def invitee_grants(*, org: Organization, role: Role, team_roles: dict[str, str]) -> Grants:
    """What someone joining with `role` and these teams (team id -> team role id, or "" for the team's default)
    would hold; the organization's default team is joined too."""
    wanted = dict(team_roles)
    if org.default_team_id:
        wanted.setdefault(org.default_team_id, "")
    teams = Team.objects.filter(organization=org, pk__in=wanted).values_list("pk", "default_role_id")
    role_ids = {team_id: wanted[team_id] or default_role for team_id, default_role in teams}
    keys = dict(TeamRole.objects.filter(organization=org, pk__in=set(role_ids.values())).values_list("pk", "key"))
    return _combine([(role.key, role.all_teams)], [(t, keys.get(r)) for t, r in role_ids.items()], [])


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


# Nobody can change an account or membership whose grants exceed their own, nor give grants they lack: an
# Admin cannot act on an Owner (CanManageOwners), a service-account manager cannot mint keys for an account
# holding more than they do. Refusals are 403s that name one missing relation.


def _refuse_beyond(principal: Principal, wanted: Grants, message: str) -> None:
    extra = wanted.beyond(grants(principal))
    if extra:
        missing = "CanManageOwners" if "CanManageOwners" in extra else sorted(extra)[0]
        raise Forbidden(f"{message} ({missing}).", code="grants_exceed_yours", caused_by=missing)


def require_over(principal: Principal, target: Any) -> None:
    """Refuse to change a member (password, MFA, email, logins, membership, roles) or a service account (keys,
    policies) whose grants exceed the caller's own."""
    if isinstance(target, Member):
        if principal.member is not None and target.pk == principal.member.pk:
            return
        wanted = member_grants(target)
    else:
        wanted = account_grants(target)
    _refuse_beyond(
        principal, wanted, "This account holds permissions you do not have; only someone who does can change it"
    )


def require_may_give_roles(principal: Principal, member: Member, roles: Iterable[Role]) -> None:
    """Refuse org roles that would let the member reach beyond the caller's own grants."""
    _refuse_beyond(principal, member_grants(member, roles=roles), "You cannot give permissions you do not hold")


def require_may_invite(principal: Principal, *, role: Role, team_roles: dict[str, str]) -> None:
    """Refuse to let someone join (an invitation, an account an administrator creates) with a role and teams that
    would reach beyond the caller's own grants."""
    assert principal.org is not None
    wanted = invitee_grants(org=principal.org, role=role, team_roles=team_roles)
    _refuse_beyond(principal, wanted, "You cannot invite someone with permissions you do not hold")


def require_may_grant(principal: Principal, permissions: Iterable[str]) -> None:
    """Refuse a policy granting (organization-wide) a relation the caller does not hold organization-wide."""
    wanted = Grants(frozenset(permissions), {})
    _refuse_beyond(principal, wanted, "You cannot grant permissions you do not hold")


def visible(
    queryset: QuerySet,
    principal: Principal,
    relation: str,
    *,
    team_field: str | None = None,
    org_field: str = "organization",
) -> QuerySet:
    """The part of an organization-scoped queryset the principal may see.

    `team_field` names the lookup to the teams a row is shared with (`teams`, or `id` for Team itself);
    without it, only an org-wide grant shows anything. `org_field` is the lookup to the row's organization
    (`memberships__organization` for users, who belong to organizations through memberships).
    """
    if principal.org is None:
        return queryset.none()
    queryset = queryset.filter(**{org_field: principal.org})
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


def sees_all(principal: Principal, relation: str) -> bool:
    """Whether the principal holds `relation` organization-wide: then `visible()` keeps the organization's rows, all
    of them (lists compiled once for such callers rely on it)."""
    return principal.org is not None and relation in grants(principal).org_wide


def visible_teams(principal: Principal, relation: str, ids: Iterable[str]) -> list[str]:
    """Of these ids of the principal's organization's teams, those `visible(teams, ..., team_field="id")` shows:
    for a list of teams read by id in one compiled query instead of a QuerySet built for each call."""
    if principal.org is None:
        return []
    held = grants(principal)
    if relation in held.org_wide:
        return list(ids)
    allowed = set(held.teams_with(relation))
    return [team for team in ids if team in allowed]


# Where each permission comes from, for people reading a member's or a service account's effective permissions.
# The same rules as `_combine` (tests compare the two), spelled out per source instead of merged.


@dataclass(frozen=True)
class Source:
    """One reason a permission is held: an org role, a team role in a team, or a policy."""

    kind: str  # "org_role" | "team_role" | "policy"
    name: str  # the role's name, or what the policy names ("this user", "team Data", "this service account")
    team: str = ""  # the team the grant reaches when it reaches one team only; empty: organization-wide

    @property
    def label(self) -> str:
        if self.kind == "policy":
            return f"Policy on {self.name}"
        where = f" in team {self.team}" if self.team else ""
        return f"{'Org' if self.kind == 'org_role' else 'Team'} role {self.name}{where}"


def permission_sources(subject: Any) -> list[tuple[str, Source]]:
    """(relation, source) pairs of a member or a service account, each relation once per source that gives it."""
    if not isinstance(subject, Member):
        policies = Policy.objects.filter(organization_id=subject.organization_id, principal_id=subject.pk)
        return [
            (r, Source("policy", "this service account")) for p in policies for r in p.permissions if r in RELATIONS
        ]
    pairs: list[tuple[str, Source]] = []
    team_names = dict(TeamMember.objects.filter(member=subject).values_list("team_id", "team__name"))
    for role in Role.objects.filter(member_links__member=subject).order_by("name"):
        perms = SYSTEM_ORG_ROLES[role.key].permissions if role.key in SYSTEM_ORG_ROLES else frozenset()
        org_wide = perms if role.all_teams else perms - TEAM_RELATIONS
        pairs += [(r, Source("org_role", role.name)) for r in sorted(org_wide)]
        if not role.all_teams:
            pairs += [
                (r, Source("org_role", role.name, team))
                for team in team_names.values()
                for r in sorted(perms - org_wide)
            ]
    team_roles = TeamMemberRole.objects.filter(team_member__member=subject).values_list(
        "team_member__team_id", "team_role__name", "team_role__key"
    )
    for team_id, name, key in sorted(team_roles, key=lambda row: (team_names[row[0]], row[1])):
        pairs += [(r, Source("team_role", name, team_names[team_id])) for r in sorted(team_role_permissions(key))]
    policies = Policy.objects.filter(
        organization_id=subject.organization_id, principal_id__in=[subject.user_id, *team_names]
    )
    for policy in sorted(
        policies, key=lambda p: (p.principal_id != subject.user_id, team_names.get(p.principal_id, ""))
    ):
        on = "this user" if policy.principal_id == subject.user_id else f"team {team_names[policy.principal_id]}"
        pairs += [(r, Source("policy", on)) for r in policy.permissions if r in RELATIONS]
    return pairs
