from django.db import transaction

from apps.core import audit
from apps.core.errors import InvalidInput, NotFound
from apps.core.principal import Principal
from apps.org.access import require, require_may_grant, require_over
from apps.org.models import Member, Organization, Policy, PrincipalType, Team
from apps.org.permissions import RELATIONS


def principal_type_of(*, org_id: str, principal_id: str) -> str:
    """Which kind of principal of this organization an id names (users are named by their user id)."""
    if Member.objects.filter(organization_id=org_id, user_id=principal_id).exists():
        return PrincipalType.USER
    if Team.objects.filter(organization_id=org_id, pk=principal_id).exists():
        return PrincipalType.TEAM
    # Service accounts are identity's model; org reaches them through the organization's reverse relation.
    if Organization.objects.filter(pk=org_id, service_accounts__pk=principal_id).exists():
        return PrincipalType.SERVICE_ACCOUNT
    raise NotFound("No user, team or service account with this id in the organization.", code="principal_not_found")


def _subject(org: Organization, kind: str, principal_id: str) -> object | None:
    """The member, team or service account a policy names (None once it is gone)."""
    if kind == PrincipalType.USER:
        return Member.objects.filter(organization=org, user_id=principal_id).first()
    if kind == PrincipalType.TEAM:
        return Team.objects.filter(organization=org, pk=principal_id).first()
    return org.service_accounts.filter(pk=principal_id).first()


def _require_over_subject(principal: Principal, kind: str, principal_id: str) -> None:
    """Nobody changes the policy of a principal holding more than they do."""
    subject = _subject(principal.org, kind, principal_id)
    if subject is not None:
        require_over(principal, subject)


@transaction.atomic
def policy_set(*, principal: Principal, principal_id: str, permissions: list[str]) -> Policy:
    """Replace the organization-level permissions granted to one principal."""
    require(principal, "CanManagePolicies")
    org = principal.org
    kind = principal_type_of(org_id=org.pk, principal_id=principal_id)  # a principal one cannot see: 404 first
    _require_over_subject(principal, kind, principal_id)
    unknown = sorted(set(permissions) - set(RELATIONS))
    if unknown:
        raise InvalidInput("Unknown permissions.", field_errors={"permissions": f"Unknown: {', '.join(unknown)}."})
    system_only = sorted(p for p in permissions if RELATIONS[p].system_only)
    if system_only:
        raise InvalidInput(
            "System-only permissions cannot be granted by policy.",
            field_errors={"permissions": f"System-only: {', '.join(system_only)}."},
        )
    require_may_grant(principal, permissions)
    policy, _ = Policy.objects.select_for_update().get_or_create(
        organization=org, principal_id=principal_id, defaults={"principal_type": kind}
    )
    policy.principal_type = kind
    policy.permissions = sorted(set(permissions))
    policy.save()
    audit.record(
        "policy.set",
        organization_id=org.pk,
        target_type="policy",
        target_id=principal_id,
        changes={"principalType": kind, "permissions": policy.permissions},
    )
    return policy


@transaction.atomic
def policy_delete(*, principal: Principal, principal_id: str) -> None:
    require(principal, "CanManagePolicies")
    policy = Policy.objects.select_for_update().filter(organization=principal.org, principal_id=principal_id).first()
    if policy is None:
        raise NotFound("No policy for this principal.")
    _require_over_subject(principal, policy.principal_type, principal_id)
    policy.delete()
    audit.record("policy.delete", organization_id=principal.org.pk, target_type="policy", target_id=principal_id)
