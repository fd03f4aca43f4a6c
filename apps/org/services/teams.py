from django.db import transaction

from apps.core import audit
from apps.core.errors import Conflict, InvalidInput, NotFound
from apps.core.events import publish
from apps.core.principal import Principal
from apps.org.access import require, require_over
from apps.org.models import Member, Team, TeamMember, TeamMemberRole, TeamRole
from apps.org.permissions import SYSTEM_TEAM_ROLES, team_role_permissions


def _team_role(org_id: str, role_id: str | None, field: str) -> TeamRole | None:
    if not role_id:
        return None
    role = TeamRole.objects.filter(organization_id=org_id, pk=role_id).first()
    if role is None:
        raise InvalidInput("Unknown team role.", field_errors={field: f"No team role {role_id} in this organization."})
    return role


def least_privileged_team_role(org_id: str) -> TeamRole | None:
    """The team role giving the fewest permissions: what a new team's members get unless someone chooses more."""
    roles = TeamRole.objects.filter(organization_id=org_id, key__in=SYSTEM_TEAM_ROLES)
    return min(roles, key=lambda r: (len(team_role_permissions(r.key)), r.name), default=None)


def _unique_name(org_id: str, name: str, exclude: str | None = None) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput("A team needs a name.", field_errors={"name": "Required."})
    if Team.objects.filter(organization_id=org_id, name__iexact=name).exclude(pk=exclude).exists():
        raise Conflict(f"A team named {name!r} exists.", code="team_exists", field_errors={"name": "Already taken."})
    return name


@transaction.atomic
def team_create(*, principal: Principal, name: str, default_role_id: str | None = None) -> Team:
    require(principal, "CanManageTeams")
    org = principal.org
    team = Team.objects.create(
        organization=org,
        name=_unique_name(org.pk, name),
        default_role=_team_role(org.pk, default_role_id, "defaultRoleId") or least_privileged_team_role(org.pk),
    )
    publish("team.created", team, {"name": team.name})
    audit.record(
        "team.create", organization_id=org.pk, target_type="team", target_id=team.pk, changes={"name": team.name}
    )
    return team


@transaction.atomic
def team_update(
    *, principal: Principal, team: Team, name: str | None = None, default_role_id: str | None = None
) -> Team:
    require(principal, "CanManageTeams", team)
    if name is not None:
        team.name = _unique_name(team.organization_id, name, exclude=team.pk)
    if default_role_id is not None:
        team.default_role = _team_role(team.organization_id, default_role_id, "defaultRoleId")
    team.save()
    changes: dict[str, str | None] = {"name": team.name} if name is not None else {}
    if default_role_id is not None:
        changes["defaultRoleId"] = team.default_role_id
    audit.record(
        "team.update", organization_id=team.organization_id, target_type="team", target_id=team.pk, changes=changes
    )
    return team


@transaction.atomic
def team_delete(*, principal: Principal, team: Team) -> None:
    """Delete a team: its memberships and its policy go with it, so its members lose what it granted."""
    require(principal, "CanManageTeams", team)
    from apps.org.models import Policy

    Policy.objects.filter(organization_id=team.organization_id, principal_id=team.pk).delete()
    publish("team.deleted", team, {"name": team.name})
    audit.record(
        "team.delete",
        organization_id=team.organization_id,
        target_type="team",
        target_id=team.pk,
        changes={"name": team.name},
    )
    team.delete()


def _roles_for(team: Team, role_ids: list[str]) -> list[TeamRole]:
    unique = list(dict.fromkeys(role_ids))
    roles = list(TeamRole.objects.filter(organization_id=team.organization_id, pk__in=unique))
    if len(roles) != len(unique):
        unknown = sorted(set(unique) - {r.pk for r in roles})
        raise InvalidInput(
            "Unknown team roles.", field_errors={"roleIds": f"Unknown team roles: {', '.join(unknown)}."}
        )
    return roles


@transaction.atomic
def team_member_add(
    *, principal: Principal, team: Team, member: Member, role_ids: list[str], is_automatic: bool = False
) -> TeamMember:
    """Add a member to a team with roles (the team's default role when none are given)."""
    require(principal, "CanManageTeams", team)
    if member.organization_id != team.organization_id:
        raise NotFound("Member not found.")
    roles = _roles_for(team, role_ids) if role_ids else [r for r in [team.default_role] if r is not None]
    if not roles:
        raise InvalidInput("The team has no default role: give roleIds.", field_errors={"roleIds": "Required."})
    if TeamMember.objects.filter(team=team, member=member).exists():
        raise Conflict("The member is already in the team.", code="already_team_member")
    link = TeamMember.objects.create(team=team, member=member, is_automatic=is_automatic)
    TeamMemberRole.objects.bulk_create(TeamMemberRole(team_member=link, team_role=r) for r in roles)
    audit.record(
        "team.member.add",
        organization_id=team.organization_id,
        target_type="team",
        target_id=team.pk,
        changes={"memberId": member.pk, "roleIds": [r.pk for r in roles]},
    )
    return link


@transaction.atomic
def team_member_remove(*, principal: Principal, team: Team, member: Member) -> None:
    require(principal, "CanManageTeams", team)
    require_over(principal, member)  # a team admin does not take a stronger member's team away
    deleted, _ = TeamMember.objects.filter(team=team, member=member).delete()
    if not deleted:
        raise NotFound("The member is not in the team.")
    audit.record(
        "team.member.remove",
        organization_id=team.organization_id,
        target_type="team",
        target_id=team.pk,
        changes={"memberId": member.pk},
    )


@transaction.atomic
def team_member_roles_set(*, principal: Principal, team: Team, member: Member, role_ids: list[str]) -> None:
    require(principal, "CanManageTeams", team)
    require_over(principal, member)
    if not role_ids:
        raise InvalidInput("Give at least one role.", field_errors={"roleIds": "At least one role is required."})
    link = TeamMember.objects.filter(team=team, member=member).first()
    if link is None:
        raise Conflict("The member is not in the team: add them first.", code="not_team_member")
    roles = _roles_for(team, role_ids)
    TeamMemberRole.objects.filter(team_member=link).delete()
    TeamMemberRole.objects.bulk_create(TeamMemberRole(team_member=link, team_role=r) for r in roles)
    audit.record(
        "team.member.roles.update",
        organization_id=team.organization_id,
        target_type="team",
        target_id=team.pk,
        changes={"memberId": member.pk, "roleIds": [r.pk for r in roles]},
    )
