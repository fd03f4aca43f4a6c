import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from apps.core import audit, clock
from apps.core.errors import Conflict, InvalidInput
from apps.core.events import publish
from apps.core.principal import Principal
from apps.org.access import require
from apps.org.models import Member, MemberRole, Organization, PermissionBundle, Role, Team, TeamRole
from apps.org.models.organizations import default_settings
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


# The organization settings an administrator may change (PATCH /org/settings and the console's settings page),
# by path under `settings`: anything else is refused by name. Integers are bounded; 0 means "no limit" or "the
# platform's own" where the setting says so.
@dataclass(frozen=True)
class Setting:
    kind: type
    minimum: int = 0
    maximum: int = 0  # integers: the largest value; strings: the longest


_DAY = 86400
_TIMEOUTS = {"idleTimeoutSeconds": 30 * _DAY, "idleCloseDelaySeconds": _DAY, "maxDurationSeconds": 30 * _DAY}
ENDPOINT_TYPES = ("spark_connect",)
SETTINGS: dict[str, Setting] = {
    "auth.requireEmailVerification": Setting(bool),
    "auth.allowLoginWithPassword": Setting(bool),
    "auth.allowLoginWithEmail": Setting(bool),
    "auth.requireDpop": Setting(bool),
    "auth.checkBreachedPasswords": Setting(bool),
    "auth.acr": Setting(str, maximum=200),
    "auth.ssoSkipsMfa": Setting(bool),
    "auth.minPasswordLength": Setting(int, 8, 256),
    "auth.loginIdleTimeoutSeconds": Setting(int, 0, 30 * _DAY),
    "auth.loginMaxDurationSeconds": Setting(int, 0, 30 * _DAY),
    "auth.requireMfa": Setting(bool),
    "auth.mfaGracePeriodDays": Setting(int, 0, 90),
    "sessions.maxRunningWorkloads": Setting(int, 0, 10_000),
    "sessions.maxConcurrentClients": Setting(int, 0, 10_000),
    "sessions.maxConcurrentSessionsPerMember": Setting(int, 0, 10_000),
    **{
        f"sessions.{group}.{part}.{key}": Setting(int, 0, top)
        for group in ["endpointFallback", *(f"endpointDefaults.{t}" for t in ENDPOINT_TYPES)]
        for part in ("defaults", "maximums")
        for key, top in _TIMEOUTS.items()
    },
}
MFA_SINCE = "requireMfaSince"  # set by the service when the requirement starts: the grace period counts from it
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _leaves(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict) and value:
        for key, inner in value.items():
            yield from _leaves(inner, f"{prefix}.{key}" if prefix else str(key))
    else:
        yield prefix, value


def _setting_errors(path: str, value: Any) -> str:
    spec = SETTINGS.get(path)
    if spec is None:
        return "Unknown setting."
    if spec.kind is bool:
        return "" if isinstance(value, bool) else "Must be true or false."
    if spec.kind is str:
        return "" if isinstance(value, str) and len(value) <= spec.maximum else f"At most {spec.maximum} characters."
    if not isinstance(value, int) or isinstance(value, bool) or not spec.minimum <= value <= spec.maximum:
        return f"A whole number from {spec.minimum} to {spec.maximum}."
    return ""


def _merged(stored: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of `stored` with `changes` (a partial tree) written over it."""
    merged = copy.deepcopy(stored)
    for path, value in _leaves(changes):
        node = merged
        *parents, last = path.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value
    return merged


def _timeouts_consistent(merged: dict[str, Any]) -> dict[str, str]:
    """A default above its maximum is refused where it was set."""
    errors = {}
    sessions = merged.get("sessions", {})
    groups = {"endpointFallback": sessions.get("endpointFallback", {})}
    groups |= {f"endpointDefaults.{t}": sessions.get("endpointDefaults", {}).get(t, {}) for t in ENDPOINT_TYPES}
    for group, limits in groups.items():
        for key in _TIMEOUTS:
            default, maximum = limits.get("defaults", {}).get(key), limits.get("maximums", {}).get(key)
            if isinstance(default, int) and isinstance(maximum, int) and default > maximum:
                errors[f"settings.sessions.{group}.defaults.{key}"] = "Above its maximum."
    return errors


def _settings_changed(org: Organization, changes: dict[str, Any]) -> dict[str, Any]:
    """The organization's settings with `changes` applied, validated as a whole; the fields changed are audited."""
    if not isinstance(changes, dict):
        raise InvalidInput("settings must be an object.", field_errors={"settings": "Must be an object."})
    if not changes:
        return org.settings
    errors = {f"settings.{path}": e for path, value in _leaves(changes) if (e := _setting_errors(path, value))}
    if errors:
        raise InvalidInput("Some settings are not valid.", field_errors=errors)
    before = _merged(default_settings(), org.settings or {})
    merged = _merged(before, changes)
    errors = _timeouts_consistent(merged)
    if errors:
        raise InvalidInput("A session default is above its maximum.", field_errors=errors)
    auth, was = merged["auth"], before["auth"]
    if sso_only(merged) and not sso_only(before) and not org.identity_providers.filter(is_enabled=True).exists():
        raise InvalidInput(
            "Add an identity provider and offer it on the sign-in page before turning off passwords and emailed "
            "codes: otherwise nobody could sign in.",
            code="sso_not_configured",
            field_errors={"settings.auth.allowLoginWithPassword": "No identity provider is offered yet."},
        )
    if auth.get("requireMfa") and not was.get("requireMfa"):
        auth[MFA_SINCE] = clock.now().isoformat()
    elif not auth.get("requireMfa"):
        auth.pop(MFA_SINCE, None)
    return merged


def sso_only(settings: dict[str, Any]) -> bool:
    """Single sign-on is required: neither a password nor an emailed code opens a login (the reference's
    auth.allowLoginWithPassword and auth.allowLoginWithEmail, both off)."""
    auth = settings.get("auth", {})
    return auth.get("allowLoginWithPassword") is False and auth.get("allowLoginWithEmail") is False


def _slug_free(org: Organization, slug: str) -> str:
    slug = slug.strip().lower()
    if not _SLUG.match(slug) or len(slug) > 63:
        raise InvalidInput(
            "A slug is lower-case letters, digits and single dashes, at most 63 characters.",
            field_errors={"slug": "Use lower-case letters, digits and dashes."},
        )
    if Organization.objects.filter(slug=slug).exclude(pk=org.pk).exists():
        raise Conflict(f"An organization with slug {slug!r} exists.", field_errors={"slug": "Already taken."})
    return slug


def _default_role(org: Organization, role_id: str) -> Role:
    role = Role.objects.filter(organization=org, pk=role_id).first()
    if role is None:
        raise InvalidInput("Unknown role.", field_errors={"defaultOrgRoleId": f"No role {role_id} here."})
    if role.break_glass:
        # Every invitation and every first SSO sign-in would make an Owner.
        raise InvalidInput(
            f"{role.name} cannot be the default role.", field_errors={"defaultOrgRoleId": "Choose a lesser role."}
        )
    return role


@transaction.atomic
def organization_update(
    *,
    principal: Principal,
    name: str | None = None,
    slug: str | None = None,
    settings: dict[str, Any] | None = None,
    default_org_role_id: str | None = None,
    default_team_id: str | None = None,
) -> Organization:
    """Change the organization's name, slug, settings (a partial tree) or defaults for new members.

    `default_team_id=""` clears the default team. Turning on `auth.requireMfa` starts its grace period now
    (`auth.requireMfaSince`); turning off both passwords and emailed codes needs an identity provider.
    """
    require(principal, "CanManageOrganization")
    assert principal.org is not None
    org = Organization.objects.select_for_update().get(pk=principal.org.pk)
    changes: dict[str, Any] = {}
    if name is not None:
        if not name.strip() or len(name.strip()) > 200:
            raise InvalidInput("An organization needs a name.", field_errors={"name": "1 to 200 characters."})
        org.name = changes["name"] = name.strip()
    if slug is not None:
        org.slug = changes["slug"] = _slug_free(org, slug)
    if settings is not None:
        org.settings = _settings_changed(org, settings)
        changes |= {f"settings.{path}": value for path, value in _leaves(settings)}
    if default_org_role_id is not None:
        org.default_org_role = _default_role(org, default_org_role_id)
        changes["defaultOrgRoleId"] = default_org_role_id
    if default_team_id is not None:
        org.default_team = (
            Team.objects.filter(organization=org, pk=default_team_id).first() if default_team_id else None
        )
        if default_team_id and org.default_team is None:
            raise InvalidInput("Unknown team.", field_errors={"defaultTeamId": f"No team {default_team_id} here."})
        changes["defaultTeamId"] = default_team_id or None
    org.save()
    principal.org = org
    publish("organization.updated", org, {"fields": sorted(changes)})
    audit.record(
        "organization.update", organization_id=org.pk, target_type="organization", target_id=org.pk, changes=changes
    )
    return org
