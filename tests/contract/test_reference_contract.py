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
    ("GET", "/infra/clusters"),
    ("DELETE", "/infra/clusters/{cluster}"),
    ("GET", "/infra/clusters/{cluster}"),
    ("GET", "/infra/connections"),
    ("POST", "/infra/connections"),
    ("DELETE", "/infra/connections/{connection}"),
    ("GET", "/infra/connections/{connection}"),
    ("PATCH", "/infra/connections/{connection}"),
    ("GET", "/infra/connections/{connection}/clusters"),
    ("POST", "/infra/connections/{connection}/clusters"),
    ("DELETE", "/infra/connections/{connection}/clusters/{cluster}"),
    ("GET", "/infra/connections/{connection}/clusters/{cluster}"),
    ("POST", "/infra/connections/{connection}/clusters/{cluster}"),
    ("GET", "/infra/connections/{connection}/clusters/{cluster}/health"),
    ("GET", "/infra/connections/{connection}/clusters/{cluster}/kubeconfig"),
    ("GET", "/infra/connections/{connection}/clusters/{cluster}/metrics"),
    ("POST", "/infra/connections/{connection}/clusters/{cluster}/provision"),
    ("GET", "/infra/connections/{connection}/instance-types"),
    ("GET", "/infra/connections/{connection}/networks"),
    ("POST", "/infra/connections/{connection}/networks"),
    ("DELETE", "/infra/connections/{connection}/networks/{network}"),
    ("GET", "/infra/connections/{connection}/networks/{network}"),
    ("PATCH", "/infra/connections/{connection}/networks/{network}"),
    ("POST", "/infra/connections/{connection}/networks/{network}/provision"),
    ("GET", "/infra/connections/{connection}/provider-networks"),
    ("GET", "/infra/connections/{connection}/regions"),
    ("POST", "/infra/connections/{connection}/sync-template"),
    ("GET", "/infra/connections/{connection}/template"),
    ("GET", "/infra/connections/{connection}/template/download"),
    ("POST", "/infra/connections/{connection}/verify"),
    ("GET", "/infra/networks"),
    ("DELETE", "/infra/networks/{network}"),
    ("GET", "/me/catalogs"),
    ("GET", "/me/clusters"),
    ("GET", "/me/clusters/{cluster}"),
    ("GET", "/me/jobs"),
    ("GET", "/me/queries"),
    ("GET", "/notifications"),
    ("GET", "/notifications/channels"),
    ("POST", "/notifications/channels"),
    ("DELETE", "/notifications/channels/{channel}"),
    ("GET", "/notifications/channels/{channel}"),
    ("PATCH", "/notifications/channels/{channel}"),
    ("POST", "/notifications/channels/{channel}/test"),
    ("GET", "/notifications/event-types"),
    ("GET", "/notifications/rules"),
    ("POST", "/notifications/rules"),
    ("DELETE", "/notifications/rules/{rule}"),
    ("GET", "/notifications/rules/{rule}"),
    ("PATCH", "/notifications/rules/{rule}"),
    ("GET", "/workloads/catalogs"),
    ("POST", "/workloads/catalogs"),
    ("DELETE", "/workloads/catalogs/{catalog}"),
    ("GET", "/workloads/catalogs/{catalog}"),
    ("PATCH", "/workloads/catalogs/{catalog}"),
    ("GET", "/workloads/catalogs/{catalog}/queries"),
    ("GET", "/workloads/catalogs/{catalog}/teams"),
    ("POST", "/workloads/catalogs/{catalog}/teams"),
    ("DELETE", "/workloads/catalogs/{catalog}/teams/{team}"),
    ("GET", "/workloads/clusters/{cluster}/jobs"),
    ("GET", "/workloads/compute-configs"),
    ("POST", "/workloads/compute-configs"),
    ("GET", "/workloads/compute-configs/{workloadConfig}"),
    ("GET", "/workloads/jobs"),
    ("POST", "/workloads/jobs"),
    ("DELETE", "/workloads/jobs/{job}"),
    ("GET", "/workloads/jobs/{job}"),
    ("PATCH", "/workloads/jobs/{job}"),
    ("POST", "/workloads/jobs/{job}/activate-version"),
    ("DELETE", "/workloads/jobs/{job}/draft"),
    ("GET", "/workloads/jobs/{job}/draft"),
    ("PATCH", "/workloads/jobs/{job}/draft"),
    ("POST", "/workloads/jobs/{job}/draft"),
    ("POST", "/workloads/jobs/{job}/draft/publish"),
    ("GET", "/workloads/jobs/{job}/teams"),
    ("POST", "/workloads/jobs/{job}/teams"),
    ("DELETE", "/workloads/jobs/{job}/teams/{team}"),
    ("GET", "/workloads/jobs/{job}/versions"),
    ("POST", "/workloads/jobs/{job}/versions"),
    ("GET", "/workloads/jobs/{job}/versions/{jobVersionNumber}"),
    ("GET", "/workloads/queries"),
    ("POST", "/workloads/queries"),
    ("DELETE", "/workloads/queries/{query}"),
    ("GET", "/workloads/queries/{query}"),
    ("PATCH", "/workloads/queries/{query}"),
    ("GET", "/workloads/queries/{query}/teams"),
    ("POST", "/workloads/queries/{query}/teams"),
    ("DELETE", "/workloads/queries/{query}/teams/{team}"),
    ("GET", "/workloads/sessions"),
    ("POST", "/workloads/sessions"),
    ("DELETE", "/workloads/sessions/{session}"),
    ("GET", "/workloads/sessions/{session}"),
    ("POST", "/workloads/sessions/{session}/relaunch"),
    ("POST", "/workloads/sessions/{session}/token"),
    ("GET", "/workloads/teams/{team}/catalogs"),
    ("GET", "/workloads/teams/{team}/jobs"),
    ("GET", "/workloads/teams/{team}/queries"),
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
