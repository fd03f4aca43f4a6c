from typing import Any

from django.db import transaction

from apps.core import audit
from apps.core.errors import Conflict, InvalidInput
from apps.core.events import publish
from apps.core.principal import Principal
from apps.org.access import require, require_may_give_roles, require_over
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
    # Only an enabled Owner counts: removing a disabled one never leaves the organization without an Owner.
    if member.is_enabled and _is_owner(member) and _owner_count(member.organization_id) <= 1:
        raise Conflict("The organization's last Owner cannot be removed or demoted.", code="last_owner")


@transaction.atomic
def member_update(*, principal: Principal, member: Member, **changes: Any) -> Member:
    require(principal, "CanManageMembers", member)
    require_over(principal, member)
    unknown = set(changes) - _UPDATABLE
    if unknown:
        raise ValueError(f"not updatable: {unknown}")
    if changes.get("is_enabled") is False:
        _refuse_losing_last_owner(member)
    for name, value in changes.items():
        setattr(member, name, value)
    member.save()
    audit.record(
        "member.update",
        organization_id=member.organization_id,
        target_type="member",
        target_id=member.pk,
        changes=changes,
    )
    return member


@transaction.atomic
def member_roles_set(*, principal: Principal, member: Member, role_ids: list[str]) -> None:
    require(principal, "CanManageMembers", member)
    require_over(principal, member)
    unique = list(dict.fromkeys(role_ids))
    if not unique:
        raise InvalidInput("Give at least one role.", field_errors={"roleIds": "At least one role is required."})
    roles = list(Role.objects.filter(organization_id=member.organization_id, pk__in=unique))
    if len(roles) != len(unique):
        unknown = sorted(set(unique) - {r.pk for r in roles})
        raise InvalidInput("Unknown roles.", field_errors={"roleIds": f"Unknown roles: {', '.join(unknown)}."})
    require_may_give_roles(principal, member, roles)
    if not any(r.key == "owner" for r in roles):
        _refuse_losing_last_owner(member)
    MemberRole.objects.filter(member=member).delete()
    MemberRole.objects.bulk_create(MemberRole(member=member, role=r) for r in roles)
    publish("member.roles_changed", member, {"roleIds": [r.pk for r in roles]})
    audit.record(
        "member.roles.update",
        organization_id=member.organization_id,
        target_type="member",
        target_id=member.pk,
        changes={"roleIds": [r.pk for r in roles]},
    )


@transaction.atomic
def member_remove(*, principal: Principal, member: Member) -> None:
    require(principal, "CanManageMembers", member)
    require_over(principal, member)
    membership_end(member=member)


@transaction.atomic
def membership_rename(*, member: Member, name: str) -> Member:
    """The name this organization shows for a member (never the person's own profile, which other organizations
    see). Callers check the permission and `require_over`."""
    member.name = name
    member.save(update_fields=["name", "updated_at", "updated_by"])
    audit.record(
        "member.update",
        organization_id=member.organization_id,
        target_type="member",
        target_id=member.pk,
        changes={"name": name},
    )
    return member


@transaction.atomic
def membership_end(*, member: Member) -> None:
    """The one way a membership ends (member removal, user removal): the last-Owner guard, the event, the delete.

    Logins are the person's, not the organization's: they stay valid elsewhere, and stop acting here because the
    organization context requires an enabled membership on every request. Callers check the permission and
    `require_over` (nobody ends the membership of someone holding more than they do).
    """
    _refuse_losing_last_owner(member)
    publish("member.removed", member, {"email": member.email})
    audit.record(
        "member.remove",
        organization_id=member.organization_id,
        target_type="member",
        target_id=member.pk,
        changes={"userId": member.user_id, "email": member.email},
    )
    member.delete()
