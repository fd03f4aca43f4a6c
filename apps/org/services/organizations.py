from typing import Any

from django.db import transaction
from django.utils.text import slugify

from apps.core import audit
from apps.core.errors import Conflict, InvalidInput
from apps.org.models import Member, MemberRole, Organization, PermissionBundle, Role, TeamRole
from apps.org.permissions import BUNDLES, SYSTEM_ORG_ROLES, SYSTEM_TEAM_ROLES


def system_roles_ensure(*, org: Organization) -> dict[str, Role]:
    """Seed (idempotently) the system org roles, team roles and permission bundles of an organization."""
    roles = {r.key: r for r in Role.objects.filter(organization=org)}
    for key, spec in SYSTEM_ORG_ROLES.items():
        if key not in roles:
            roles[key] = Role.objects.create(
                organization=org,
                key=key,
                name=spec.name,
                description=spec.description,
                all_teams=spec.all_teams,
                break_glass=spec.break_glass,
            )
    existing_team_roles = set(TeamRole.objects.filter(organization=org).values_list("key", flat=True))
    TeamRole.objects.bulk_create(
        TeamRole(organization=org, key=key, name=spec.name, description=spec.description)
        for key, spec in SYSTEM_TEAM_ROLES.items()
        if key not in existing_team_roles
    )
    existing_bundles = set(PermissionBundle.objects.filter(organization=org).values_list("code", flat=True))
    PermissionBundle.objects.bulk_create(
        PermissionBundle(organization=org, code=code, name=b.name, description=b.description)
        for code, b in BUNDLES.items()
        if code not in existing_bundles
    )
    if org.default_org_role_id is None:
        org.default_org_role = roles["member"]
        org.save(update_fields=["default_org_role", "updated_at"])
    return roles


@transaction.atomic
def organization_create(*, name: str, slug: str = "") -> Organization:
    slug = slugify(slug or name)[:63]
    if not name.strip() or not slug:
        raise InvalidInput("An organization needs a name.", field_errors={"name": "Required."})
    if Organization.objects.filter(slug=slug).exists():
        raise Conflict(f"An organization with slug {slug!r} exists.", field_errors={"slug": "Already taken."})
    org = Organization.objects.create(name=name.strip(), slug=slug)
    system_roles_ensure(org=org)
    audit.record(
        "organization.create",
        organization_id=org.pk,
        target_type="organization",
        target_id=org.pk,
        changes={"name": org.name, "slug": org.slug},
    )
    return org


@transaction.atomic
def member_add(*, org: Organization, user: Any, role_keys: list[str]) -> Member:
    """Make a user a member with the given system org roles (idempotent)."""
    roles = system_roles_ensure(org=org)
    member, created = Member.objects.get_or_create(
        organization=org, user=user, defaults={"name": user.name, "email": user.email}
    )
    added = [key for key in role_keys if MemberRole.objects.get_or_create(member=member, role=roles[key])[1]]
    if created or added:
        audit.record(
            "member.add" if created else "member.roles.update",
            organization_id=org.pk,
            target_type="member",
            target_id=member.pk,
            changes={"userId": user.pk, "roles": added},
        )
    return member
