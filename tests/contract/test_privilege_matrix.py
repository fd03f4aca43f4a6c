"""Nobody acts above their own grants: every endpoint that changes a person (users, members, policies) refuses an
Admin acting on an Owner, and every one that changes a service account (the account, its keys, its policy) refuses
a manager acting on an account holding more than they do. Each row is a 403 that names the missing relation, and
changes nothing. New endpoints of these families join automatically (the OpenAPI schema declares them).

The same rule holds below the API: each service that changes a person or a service account is exercised directly.
"""

import pytest

from apps.core.principal import Principal
from apps.identity.models import ApiKey, ServiceAccount
from apps.identity.services import org_users, service_accounts, users
from apps.org.models import Member, MemberRole, Policy, Role, Team, TeamMember, TeamMemberRole, TeamRole
from apps.org.services import members, policies, teams
from tests.conftest import PASSWORD, ApiClient
from tests.contract.coverage import declared
from tests.contract.test_permission_matrix import ENDPOINTS, WRITES, _concrete, _flatten, _id, _state

PERSON_PATHS = ("/org/users/{", "/org/members/{", "/org/policies/{")
ACCOUNT_PATHS = ("/org/service-accounts/{",)
# Designed (not reference) endpoints have no example body: the smallest valid one.
BODIES = {
    ("PATCH", "/org/service-accounts/{serviceAccount}"): {"description": "changed"},
    ("POST", "/org/service-accounts/{serviceAccount}/keys"): {"name": "minted"},
    ("PUT", "/org/policies/{principal}"): {"permissions": []},
}
STRONG_GRANT = "CanManageClusters"  # what the strong service account holds and its manager does not


def _declared_writes(prefixes: tuple[str, ...]) -> list[dict]:
    """Schema-declared writes under `prefixes`: the reference's rows (with example bodies), then designed ones."""
    rows = [e for e in ENDPOINTS if e["method"] in WRITES and e["path"].startswith(prefixes)]
    known = {(e["method"], e["path"]) for e in rows}
    for method, path in sorted(declared()):
        if method in WRITES and path.startswith(prefixes) and "{" in path and (method, path) not in known:
            rows.append({"method": method, "path": path, "requestBody": None})
    return sorted(rows, key=lambda e: (e["path"], e["method"]))


PERSON_ENDPOINTS = _declared_writes(PERSON_PATHS)
ACCOUNT_ENDPOINTS = _declared_writes(ACCOUNT_PATHS) + [
    e for e in _declared_writes(("/org/policies/{",)) if e["method"] in ("PUT", "DELETE")
]


def _body(endpoint: dict):
    if (endpoint["method"], endpoint["path"]) in BODIES:
        return BODIES[(endpoint["method"], endpoint["path"])]
    return _flatten(endpoint["requestBody"]) if endpoint["requestBody"] is not None else None


def _role(member: Member, key: str) -> None:
    MemberRole.objects.filter(member=member).update(role=Role.objects.get(organization=member.organization, key=key))


@pytest.fixture
def admin_and_owner(alice, bob, acme):
    """Bob is an Admin of Acme; Alice its Owner, with a policy of her own (so each path names a real object)."""
    _role(Member.objects.get(organization=acme, user=bob), "admin")
    Policy.objects.create(organization=acme, principal_id=alice.pk, principal_type="user", permissions=["CanViewJobs"])
    return bob, alice


@pytest.fixture
def manager_and_strong_account(bob, acme):
    """Bob (a Member) manages service accounts and policies by policy; the account also holds what he lacks."""
    grants = ["CanManageServiceAccounts", "CanViewServiceAccounts", "CanManagePolicies", "CanViewPolicies"]
    Policy.objects.create(organization=acme, principal_id=bob.pk, principal_type="user", permissions=grants)
    account = ServiceAccount.objects.create(organization=acme, username="cluster-bot", description="Deploys")
    Policy.objects.create(
        organization=acme, principal_id=account.pk, principal_type="service_account", permissions=[STRONG_GRANT]
    )
    key = ApiKey.objects.create(service_account=account, prefix="lsk_matrix", key_hash="f" * 64)
    return bob, account, key


def _unchanged_owner(alice, acme) -> None:
    alice.refresh_from_db()
    owner = Member.objects.get(organization=acme, user=alice)
    assert alice.email == "alice@acme.test" and alice.check_password(PASSWORD) and not alice.password_change_required
    assert owner.is_enabled and list(owner.roles.values_list("key", flat=True)) == ["owner"]


@pytest.mark.parametrize("endpoint", PERSON_ENDPOINTS, ids=_id)
def test_an_admin_cannot_change_an_owner(endpoint, admin_and_owner, acme):
    admin, owner = admin_and_owner
    objects = {
        "user": owner.pk,
        "member": Member.objects.get(organization=acme, user=owner).pk,
        "principal": owner.pk,
    }
    before = _state()
    response = (
        ApiClient().as_(admin, acme).request(endpoint["method"], _concrete(endpoint["path"], objects), _body(endpoint))
    )
    assert response.status_code == 403, response.json()
    if endpoint["path"] != "/org/users/{user}/password":  # one's own password only: refused for anyone else
        assert response.json()["details"]["causedBy"] == "CanManageOwners"
    assert _state() == before
    _unchanged_owner(owner, acme)


@pytest.mark.parametrize("endpoint", ACCOUNT_ENDPOINTS, ids=_id)
def test_a_manager_cannot_change_a_service_account_holding_more(endpoint, manager_and_strong_account, acme):
    manager, account, key = manager_and_strong_account
    objects = {"serviceAccount": account.pk, "key": key.pk, "principal": account.pk}
    before = _state()
    response = (
        ApiClient()
        .as_(manager, acme)
        .request(endpoint["method"], _concrete(endpoint["path"], objects), _body(endpoint))
    )
    assert response.status_code == 403, response.json()
    assert response.json()["details"]["causedBy"] == STRONG_GRANT
    assert _state() == before
    assert list(ApiKey.objects.filter(service_account=account, revoked_at__isnull=True)) == [key]
    assert Policy.objects.get(principal_id=account.pk).permissions == [STRONG_GRANT]


def test_the_families_cover_every_person_and_account_write():
    """A new write under these paths joins the matrix; this guards the selection itself."""
    assert {(e["method"], e["path"]) for e in PERSON_ENDPOINTS} >= {
        ("DELETE", "/org/users/{user}"),
        ("PATCH", "/org/users/{user}"),
        ("DELETE", "/org/users/{user}/mfa"),
        ("POST", "/org/users/{user}/password/reset"),
        ("PATCH", "/org/members/{member}"),
        ("DELETE", "/org/members/{member}"),
        ("PUT", "/org/members/{member}/roles"),
        ("PUT", "/org/policies/{principal}"),
        ("DELETE", "/org/policies/{principal}"),
    }
    assert {(e["method"], e["path"]) for e in ACCOUNT_ENDPOINTS} >= {
        ("PATCH", "/org/service-accounts/{serviceAccount}"),
        ("DELETE", "/org/service-accounts/{serviceAccount}"),
        ("POST", "/org/service-accounts/{serviceAccount}/keys"),
        ("DELETE", "/org/service-accounts/{serviceAccount}/keys/{key}"),
    }


def _principal(user, org) -> Principal:
    return Principal(user=user, org=org, member=Member.objects.get(organization=org, user=user))


def _owner_in_team(member: Member) -> Team:
    team = Team.objects.create(organization=member.organization, name="Owners' team")
    link = TeamMember.objects.create(team=team, member=member)
    TeamMemberRole.objects.create(
        team_member=link, team_role=TeamRole.objects.get(organization=member.organization, key="team_admin")
    )
    return team


# Every service changing a person, called as an Admin on the Owner (the console and the API share these).
PERSON_SERVICES = {
    "team_member_remove": lambda p, owner, m: teams.team_member_remove(principal=p, team=_owner_in_team(m), member=m),
    "team_member_roles_set": lambda p, owner, m: teams.team_member_roles_set(
        principal=p,
        team=_owner_in_team(m),
        member=m,
        role_ids=[TeamRole.objects.get(organization=m.organization, key="team_viewer").pk],
    ),
    "member_update": lambda p, owner, m: members.member_update(principal=p, member=m, name="Mallory"),
    "member_roles_set": lambda p, owner, m: members.member_roles_set(
        principal=p, member=m, role_ids=[Role.objects.get(organization=m.organization, key="viewer").pk]
    ),
    "member_remove": lambda p, owner, m: members.member_remove(principal=p, member=m),
    "org_user_update": lambda p, owner, m: org_users.org_user_update(principal=p, user=owner, display_name="M"),
    "org_user_delete": lambda p, owner, m: org_users.org_user_delete(principal=p, user=owner),
    "org_user_mfa_reset": lambda p, owner, m: org_users.org_user_mfa_reset(principal=p, user=owner),
    "org_user_password_reset": lambda p, owner, m: org_users.org_user_password_reset(principal=p, user=owner),
    "password_change": lambda p, owner, m: users.password_change(
        principal=p, user=owner, current=PASSWORD, new="a brand new phrase", remote_ip=None
    ),
    "policy_set": lambda p, owner, m: policies.policy_set(principal=p, principal_id=owner.pk, permissions=[]),
    "policy_delete": lambda p, owner, m: policies.policy_delete(principal=p, principal_id=owner.pk),
}


@pytest.mark.parametrize("service", PERSON_SERVICES)
def test_no_service_lets_an_admin_change_an_owner(service, admin_and_owner, acme):
    from apps.core.errors import Forbidden
    from apps.identity.services.logins import login_create

    admin, owner = admin_and_owner
    principal = _principal(admin, acme)
    principal.credential = login_create(user=admin)[0]  # a fresh sign-in: only the grants can refuse
    with pytest.raises(Forbidden):
        PERSON_SERVICES[service](principal, owner, Member.objects.get(organization=acme, user=owner))
    _unchanged_owner(owner, acme)


ACCOUNT_SERVICES = {
    "service_account_update": lambda p, a, k: service_accounts.service_account_update(
        principal=p, account=a, description="changed"
    ),
    "service_account_delete": lambda p, a, k: service_accounts.service_account_delete(principal=p, account=a),
    "api_key_create": lambda p, a, k: service_accounts.api_key_create(principal=p, account=a, name="minted"),
    "api_key_revoke": lambda p, a, k: service_accounts.api_key_revoke(principal=p, key=k),
    "policy_set": lambda p, a, k: policies.policy_set(principal=p, principal_id=a.pk, permissions=[]),
    "policy_delete": lambda p, a, k: policies.policy_delete(principal=p, principal_id=a.pk),
}


@pytest.mark.parametrize("service", ACCOUNT_SERVICES)
def test_no_service_lets_a_manager_change_a_stronger_service_account(service, manager_and_strong_account, acme):
    from apps.core.errors import Forbidden
    from apps.identity.services.logins import login_create

    manager, account, key = manager_and_strong_account
    principal = _principal(manager, acme)
    principal.credential = login_create(user=manager)[0]
    with pytest.raises(Forbidden) as refused:
        ACCOUNT_SERVICES[service](principal, account, key)
    assert refused.value.caused_by == STRONG_GRANT
    assert ServiceAccount.objects.get(pk=account.pk).description == "Deploys"
    assert list(ApiKey.objects.filter(service_account=account, revoked_at__isnull=True)) == [key]
