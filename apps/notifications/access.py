"""Who sees and who manages a channel or a rule, decided in `apps.org.access` terms.

- A **personal** one (`memberId`) is its member's: they manage it without `CanManageNotifications`
  (`principal.member == owner`); anyone else needs `CanManageNotifications` organization-wide.
- A **team** one (`teamId`) needs `CanManageNotifications` in that team (an org-wide grant reaches every team).
- An **organization** one (neither) needs `CanManageNotifications` organization-wide.

Seeing follows the same shape with `CanViewNotifications`: the team's viewers see its channels and rules, an
org-wide grant sees all of them (personal ones included, so admins can tell where alerts go), and every member
sees their own personal ones.
"""

from typing import Protocol

from django.db.models import Q, QuerySet

from apps.core.errors import Forbidden
from apps.core.principal import Principal
from apps.org.access import require, visible

VIEW = "CanViewNotifications"
MANAGE = "CanManageNotifications"


class Owned(Protocol):
    organization_id: str
    team_id: str | None
    member_id: str | None


def is_own(principal: Principal, member_id: str | None) -> bool:
    return bool(member_id) and principal.member is not None and principal.member.pk == member_id


def require_manage(principal: Principal, *, team_id: str | None, member_id: str | None) -> None:
    """Refuse (403) unless the principal may manage a channel or rule with this owner."""
    if is_own(principal, member_id):
        return
    require(principal, MANAGE, team_ids=[team_id] if team_id and not member_id else [])


def require_manage_object(principal: Principal, owned: Owned) -> None:
    if owned.organization_id != (principal.org and principal.org.pk):
        raise Forbidden("You do not have permission to perform this action.", code="permission_denied")
    require_manage(principal, team_id=owned.team_id, member_id=owned.member_id)


def may_manage(principal: Principal, owned: Owned) -> bool:
    try:
        require_manage_object(principal, owned)
    except Forbidden:
        return False
    return True


def visible_owned(queryset: QuerySet, principal: Principal) -> QuerySet:
    """The channels or rules of `queryset` the principal may see."""
    if principal.org is None:
        return queryset.none()
    shared = visible(queryset, principal, VIEW, team_field="team").values("pk")
    own = Q(member=principal.member) if principal.member is not None else Q(pk__in=[])
    return queryset.filter(Q(pk__in=shared) | own, organization=principal.org)
