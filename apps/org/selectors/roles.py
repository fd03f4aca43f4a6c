from django.db.models import QuerySet

from apps.core.api.pagination import PageOptions
from apps.core.errors import NotFound
from apps.core.principal import Principal
from apps.org.access import visible
from apps.org.models import PermissionBundle, Role, TeamRole
from apps.org.models.member_counts import MEMBER_COUNT
from apps.org.permissions import SYSTEM_ORG_ROLES, SYSTEM_TEAM_ROLES, SystemRole, team_role_permissions

ROLE_PAGE = PageOptions(sort_fields={"name": ("name",)}, default_sort="name", search_fields=("name", "description"))


def role_list(*, principal: Principal) -> QuerySet[Role]:
    return visible(Role.objects.all(), principal, "CanViewRoles").annotate(member_count=MEMBER_COUNT)


def team_role_list(*, principal: Principal) -> QuerySet[TeamRole]:
    return visible(TeamRole.objects.all(), principal, "CanViewRoles").annotate(member_count=MEMBER_COUNT)


def role_get(*, principal: Principal, role_id: str) -> Role:
    role = role_list(principal=principal).filter(pk=role_id).first()
    if role is None:
        raise NotFound("Role not found.", code="role_not_found")
    return role


def team_role_get(*, principal: Principal, role_id: str) -> TeamRole:
    role = team_role_list(principal=principal).filter(pk=role_id).first()
    if role is None:
        raise NotFound("Team role not found.", code="role_not_found")
    return role


def role_spec(role: Role | TeamRole) -> SystemRole | None:
    table = SYSTEM_ORG_ROLES if isinstance(role, Role) else SYSTEM_TEAM_ROLES
    return table.get(role.key)


def role_permissions(role: Role | TeamRole) -> frozenset[str]:
    return key_permissions(role.key, team=isinstance(role, TeamRole))


def key_permissions(key: str, *, team: bool) -> frozenset[str]:
    """The permissions of the organization role (or, with `team`, the team role) of this key: code-defined."""
    spec = (SYSTEM_TEAM_ROLES if team else SYSTEM_ORG_ROLES).get(key)
    if spec is None:
        return frozenset()
    return team_role_permissions(key) if team else spec.permissions


def role_bundles(role: Role | TeamRole) -> list[PermissionBundle]:
    spec = role_spec(role)
    codes = spec.bundles if spec else ()
    return list(PermissionBundle.objects.filter(organization_id=role.organization_id, code__in=codes))


def with_permission_counts(roles):
    """Set `permission_count` on each role (permissions are code-defined, so this costs no query)."""
    for role in roles:
        role.permission_count = len(role_permissions(role))
    return roles
