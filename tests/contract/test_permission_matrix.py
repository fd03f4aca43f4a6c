"""Every implemented reference endpoint, three ways: no token → 401, another org → 404 with no data and no change,
a Viewer writing → 403 at the permission check. New endpoints join automatically (the OpenAPI schema declares them).

Each row can fail: paths use real Acme objects (so a write meets its object and then its permission check, not a
404 for a made-up id), bodies are the reference's examples, and "no change" compares Acme's rows before and after."""

import re

import pytest
from django.urls import resolve

from apps.identity.models import ServiceAccount, User
from apps.identity.sso.models import IdentityProvider
from apps.org.api.base import OrgApiView
from apps.org.models import Invitation, Member, MemberRole, Policy, Role, Team, TeamMember, TeamRole
from apps.org.services.invitations import invitation_create
from apps.org.services.organizations import member_add
from apps.org.services.policies import policy_set
from apps.org.services.teams import team_create, team_member_add
from apps.workloads.models import ComputeConfig, ComputeInstance, JobRun, Session
from tests import reference
from tests.conftest import PASSWORD, ApiClient
from tests.contract.coverage import implemented, normalize
from tests.contract.test_permissions_doc import documented
from tests.infra.conftest import infra_objects
from tests.notifications.conftest import notification_objects
from tests.org.conftest import owner_principal
from tests.workloads.conftest import workloads_objects
from tests.workloads.sessions.conftest import session_objects

RUN = "/workloads/jobs/{job}/runs/{jobRun}"
BACKFILL = "/workloads/jobs/{job}/backfills/{backfill}"
# Designed endpoints (not in the reference) that join the matrix, with the smallest body each takes.
DESIGNED = [
    {"method": "POST", "path": f"{RUN}/cancel", "requestBody": None},
    {"method": "GET", "path": f"{RUN}/logs", "requestBody": None},
    {"method": "GET", "path": f"{RUN}/results", "requestBody": None},
    {
        "method": "POST",
        "path": "/workloads/jobs/{job}/backfill",
        "requestBody": {"from": "2026-01-01T00:00:00Z", "to": "2026-01-01T01:00:00Z"},
    },
    {"method": "GET", "path": BACKFILL, "requestBody": None},
    {"method": "POST", "path": f"{BACKFILL}/cancel", "requestBody": None},
    {"method": "GET", "path": "/workloads/jobs/{job}/cost", "requestBody": None},
]
ENDPOINTS = sorted(implemented() + DESIGNED, key=lambda e: (e["path"], e["method"]))
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _id(endpoint) -> str:
    return f"{endpoint['method']} {endpoint['path']}"


def _relation(endpoint) -> str:
    return documented().get((endpoint["method"], normalize(endpoint["path"])), "undocumented")


# Where an example says "string" but the schema names the kind of value (an enum, an http(s) URL, a password of 8+
# characters): the matrix checks permissions, so its bodies have a valid shape.
SHAPED = {
    "endpointType": "spark_connect",
    "issuer": "https://idp.example",
    "providerUrl": "https://idp.example",
    "password": PASSWORD,
    "newPassword": PASSWORD,
    "provider": "local",
}


def _flatten(value):
    """The reference renders some string lists with doubled brackets (spec README)."""
    if isinstance(value, list):
        if len(value) == 1 and isinstance(value[0], list):
            return [_flatten(v) for v in value[0]]
        return [_flatten(v) for v in value]
    if isinstance(value, dict):
        return {k: SHAPED[k] if v == "string" and k in SHAPED else _flatten(v) for k, v in value.items()}
    return value


@pytest.fixture
def acme_objects(alice, bob, acme):
    """Real Acme objects for each path parameter the matrix meets."""
    owner = owner_principal(alice, acme)
    team = team_create(principal=owner, name="Matrix")
    policy_set(principal=owner, principal_id=bob.pk, permissions=["CanViewJobs"])
    _invitation, token = invitation_create(principal=owner, email="matrix@example.test", send_email=False)
    idp = IdentityProvider.objects.create(
        organization=acme, provider_type="generic_oidc", name="Matrix IdP", issuer="https://idp.example", client_id="c"
    )
    return {
        **infra_objects(owner, team),
        **notification_objects(owner, team),
        **workloads_objects(owner, team),
        **session_objects(owner, team),
        "idp": idp.pk,
        "team": team.pk,
        "member": Member.objects.get(user=bob, organization=acme).pk,
        "role": Role.objects.get(organization=acme, key="member").pk,
        "principal": bob.pk,
        "user": bob.pk,
        "token": token,
        "team_role": TeamRole.objects.get(organization=acme, key="team_member").pk,
    }


def _concrete(path: str, objects: dict) -> str:
    def value(match) -> str:
        name = match.group(1)
        if name == "role" and "/team-roles/" in path:
            name = "team_role"
        return objects.get(name, "A1B2C3D4E5")

    return re.sub(r"\{([^}]+)\}", value, path)


ACME_TABLES = (
    Team,
    TeamMember,
    Member,
    MemberRole,
    Role,
    Policy,
    Invitation,
    ServiceAccount,
    IdentityProvider,
    User,
    Session,
    ComputeConfig,
    ComputeInstance,
    JobRun,
)


def _state() -> list:
    """Every row an Acme write could touch, with its last change: equal before and after means nothing changed."""
    state = []
    for model in ACME_TABLES:
        state.append(sorted(model.objects.values_list("pk", "updated_at")))
    return state


def _is_org_scoped(endpoint) -> bool:
    """Acts in an organization (OrgApiView), as opposed to on the caller's own account."""
    view = resolve(reference.BASE + re.sub(r"\{[^}]+\}", "A1B2C3D4E5", endpoint["path"])).func.view_class
    return issubclass(view, OrgApiView)


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if _relation(e) != "public"], ids=_id)
def test_no_token_is_401_unless_public(endpoint, anon, acme_objects, acme):
    body = _flatten(endpoint["requestBody"]) if endpoint["requestBody"] is not None else None
    response = ApiClient(None, acme.pk).request(endpoint["method"], _concrete(endpoint["path"], acme_objects), body)
    assert response.status_code == 401


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if _is_org_scoped(e)], ids=_id)
def test_another_orgs_member_gets_404_and_no_data(endpoint, acme_objects, acme, charlie, globex):
    path = _concrete(endpoint["path"], acme_objects)
    body = _flatten(endpoint["requestBody"]) if endpoint["requestBody"] is not None else None
    stranger = ApiClient().as_(charlie, acme)
    response = stranger.request(endpoint["method"], path, body)
    assert response.status_code == 404
    assert response.json()["code"] == "organization_not_found"
    if "{" in endpoint["path"]:
        # In their own organization, Acme's objects do not exist either, and writing to them changes nothing.
        before = _state()
        response = ApiClient().as_(charlie, globex).request(endpoint["method"], path, body)
        assert response.status_code == 404, response.content
        assert all(v not in response.content.decode() for v in acme_objects.values())
        assert _state() == before


@pytest.mark.parametrize(
    "endpoint",
    [e for e in ENDPOINTS if e["method"] in WRITES and _relation(e).startswith("Can")],
    ids=_id,
)
def test_a_viewer_cannot_write(endpoint, acme_objects, acme):
    from apps.identity.services.users import user_create

    viewer = user_create(email="vera@acme.test", password=PASSWORD)
    member_add(org=acme, user=viewer, role_keys=["viewer"])
    # Viewer and Bob share the team, so the viewer sees every object the path names and meets the permission check.
    team, owner = Team.objects.get(pk=acme_objects["team"]), owner_principal(acme.members.first().user, acme)
    team_viewer = TeamRole.objects.get(organization=acme, key="team_viewer").pk
    for person in (viewer, User.objects.get(pk=acme_objects["user"])):
        member = Member.objects.get(organization=acme, user=person)
        team_member_add(principal=owner, team=team, member=member, role_ids=[team_viewer])
    body = _flatten(endpoint["requestBody"]) if endpoint["requestBody"] is not None else None
    before = _state()
    response = (
        ApiClient().as_(viewer, acme).request(endpoint["method"], _concrete(endpoint["path"], acme_objects), body)
    )
    assert response.status_code == 403, response.content
    assert response.json()["details"]["causedBy"] == _relation(endpoint)
    assert _state() == before
