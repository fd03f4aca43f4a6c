import subprocess
import sys
from pathlib import Path

from django.urls import Resolver404, resolve

from apps.core.api.exceptions import api_not_found
from tests import reference
from tests.contract.coverage import declared, implemented, summary_line

ROOT = Path(__file__).resolve().parents[2]

# Grows with every issue that lands; an endpoint once implemented may never silently disappear.
REQUIRED = {
    ("GET", "/me"),
    ("GET", "/operations/{operationId}"),
    ("GET", "/auth/permissions"),
    ("GET", "/me/teams"),
    ("GET", "/org/teams"),
    ("POST", "/org/teams"),
    ("GET", "/org/teams/{team}"),
    ("PATCH", "/org/teams/{team}"),
    ("DELETE", "/org/teams/{team}"),
    ("GET", "/org/teams/{team}/members"),
    ("POST", "/org/teams/{team}/members/{member}"),
    ("DELETE", "/org/teams/{team}/members/{member}"),
    ("PUT", "/org/teams/{team}/members/{member}/roles"),
    ("GET", "/org/roles"),
    ("GET", "/org/roles/{role}"),
    ("GET", "/org/team-roles"),
    ("GET", "/org/team-roles/{role}"),
    ("POST", "/org/invites"),
    ("GET", "/org/invites/{token}"),
    ("POST", "/org/invites/{token}/accept"),
    ("GET", "/org/members"),
    ("GET", "/org/members/{member}"),
    ("PATCH", "/org/members/{member}"),
    ("DELETE", "/org/members/{member}"),
    ("PUT", "/org/members/{member}/roles"),
    ("GET", "/org/policies"),
    ("GET", "/org/policies/{principal}"),
    ("PUT", "/org/policies/{principal}"),
    ("DELETE", "/org/policies/{principal}"),
    ("GET", "/auth/identity-provider-types"),
    ("GET", "/auth/idps"),
    ("POST", "/auth/idps"),
    ("POST", "/auth/idps/auto-setup"),
    ("GET", "/auth/idps/{idp}"),
    ("PATCH", "/auth/idps/{idp}"),
    ("DELETE", "/auth/idps/{idp}"),
    ("POST", "/auth/idps/{idp}/rotate-secret"),
    ("POST", "/auth/idps/{idp}/test-connection"),
    ("PATCH", "/me"),
    ("GET", "/me/emails"),
    ("POST", "/me/emails"),
    ("GET", "/me/logins"),
    ("DELETE", "/me/logins/{loginId}"),
    ("GET", "/me/trusted-devices"),
    ("DELETE", "/me/trusted-devices/{trustedDeviceId}"),
    ("DELETE", "/me/mfa"),
    ("GET", "/org/users"),
    ("POST", "/org/users"),
    ("GET", "/org/users/{user}"),
    ("PATCH", "/org/users/{user}"),
    ("DELETE", "/org/users/{user}"),
    ("DELETE", "/org/users/{user}/mfa"),
    ("POST", "/org/users/{user}/password"),
    ("POST", "/org/users/{user}/password/reset"),
}


def test_the_reference_has_158_endpoints():
    assert len(reference.endpoints()) == 158


def test_required_reference_endpoints_are_declared():
    have = {(e["method"], e["path"]) for e in implemented()}
    assert have >= REQUIRED, f"missing: {sorted(REQUIRED - have)}"
    print(summary_line())


def test_every_declared_path_resolves_to_a_real_view():
    for _method, path in declared():
        concrete = reference.BASE + "/".join("A1B2C3D4E5" if p.startswith("{") else p for p in path.split("/"))
        try:
            match = resolve(concrete)
        except Resolver404:
            match = None
        assert match is not None and match.func is not api_not_found, path


def test_the_committed_schema_matches_the_code(tmp_path):
    generated = tmp_path / "schema.yml"
    subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--file", str(generated), "--validate", "--fail-on-warn"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    committed = (ROOT / "schema.yml").read_text()
    assert generated.read_text() == committed, "schema.yml is stale: run `make schema` and commit it"
