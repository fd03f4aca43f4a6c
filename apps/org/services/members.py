from typing import Any

from django.db import transaction

from apps.core.errors import Conflict, InvalidInput
from apps.core.events import publish
from apps.core.principal import Principal
from apps.org import access
from apps.org.access import require
from apps.org.models import Member, MemberRole, Role

_UPDATABLE = {"name", "email", "preferences", "is_enabled"}


def _owner_count(org_id: str) -> int:
    return (
        MemberRole.objects.select_for_update()
        .filter(role__organization_id=org_id, role__key="owner", member__is_enabled=True)
        .count()
    )


def _is_owner(member: Member) -> bool:
    return MemberRole.objects.filter(member=member, role__key="owner").exists()


def _refuse_losing_last_owner(member: Member) -> None:
    if _is_owner(member) and _owner_count(member.organization_id) <= 1:
        raise Conflict("The organization's last Owner cannot be removed or demoted.", code="last_owner")


@transaction.atomic
def member_update(*, principal: Principal, member: Member, **changes: Any) -> Member:
    require(principal, "CanManageMembers", member)
    unknown = set(changes) - _UPDATABLE
    if unknown:
        raise ValueError(f"not updatable: {unknown}")
    if changes.get("is_enabled") is False:
        _refuse_losing_last_owner(member)
    for name, value in changes.items():
        setattr(member, name, value)
    member.save()
    return member


@transaction.atomic
def member_roles_set(*, principal: Principal, member: Member, role_ids: list[str]) -> None:
    require(principal, "CanManageMembers", member)
    unique = list(dict.fromkeys(role_ids))
    if not unique:
        raise InvalidInput("Give at least one role.", field_errors={"roleIds": "At least one role is required."})
    roles = list(Role.objects.filter(organization_id=member.organization_id, pk__in=unique))
    if len(roles) != len(unique):
        unknown = sorted(set(unique) - {r.pk for r in roles})
        raise InvalidInput("Unknown roles.", field_errors={"roleIds": f"Unknown roles: {', '.join(unknown)}."})
    if not any(r.key == "owner" for r in roles):
        _refuse_losing_last_owner(member)
    if any(r.break_glass for r in roles) and "CanBreakGlass" not in access.permissions(principal):
        raise Conflict("Only an Owner can grant the Owner role.", code="owner_required")
    MemberRole.objects.filter(member=member).delete()
    MemberRole.objects.bulk_create(MemberRole(member=member, role=r) for r in roles)
    publish("member.roles_changed", member, {"roleIds": [r.pk for r in roles]})


@transaction.atomic
def member_remove(*, principal: Principal, member: Member) -> None:
    require(principal, "CanManageMembers", member)
    membership_end(member=member)


@transaction.atomic
def membership_end(*, member: Member) -> None:
    """The one way a membership ends (member removal, user removal): the last-Owner guard, the event, the delete.

    Logins are the person's, not the organization's: they stay valid elsewhere, and stop acting here because the
    organization context requires an enabled membership on every request. Callers check their own permission.
    """
    _refuse_losing_last_owner(member)
    publish("member.removed", member, {"email": member.email})
    member.delete()
