"""A client generated from the committed schema.yml by openapi-python-client, as an API user would make one.

It builds without a warning, imports, names its methods after the operationIds, and reads the API's real answers
into typed models: the fields the schema once left untyped (a run's `parameters`, `namedParameters` and
`pendingDetail`) included.
"""

import importlib
import inspect
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from apps.identity.services.logins import login_create
from apps.org.services.teams import team_create
from apps.workloads.models import JobRun
from tests.org.conftest import owner_principal
from tests.workloads.conftest import workloads_objects

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "lakesail_client"
# The generator's default post hooks format the code with ruff: that says nothing about the schema and doubles the time.
CONFIG = {"package_name_override": PACKAGE, "post_hooks": []}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> subprocess.CompletedProcess:
    out = tmp_path_factory.mktemp("client")
    config = out / "config.json"
    config.write_text(json.dumps(CONFIG))
    command = [Path(sys.executable).with_name("openapi-python-client"), "generate", "--fail-on-warning"]
    command += ["--path", ROOT / "schema.yml", "--config", config, "--meta", "none", "--output-path", out / PACKAGE]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    sys.path.insert(0, str(out))
    yield result
    sys.path.remove(str(out))
    for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
        del sys.modules[name]


def test_it_generates_without_a_warning_and_imports(generated):
    output = generated.stdout + generated.stderr
    assert generated.returncode == 0, output
    assert "warning" not in output.lower(), output
    assert importlib.import_module(PACKAGE).AuthenticatedClient


class AnyBody:
    """A stand-in for a request body model: the request line does not depend on the body."""

    def to_dict(self) -> dict:
        return {}


# Module of the generated client → its path parameters and the request it makes.
READABLE = {
    "identity.me_get": ((), "get", "/api/v1/me"),
    "authentication.auth_login": ((), "post", "/api/v1/auth/login"),
    "members.members_list": ((), "get", "/api/v1/org/members"),
    "members.member_roles_replace": (("M1",), "put", "/api/v1/org/members/M1/roles"),
    "audit.audit_events_list": ((), "get", "/api/v1/org/audit-events"),
    "workloads.job_run_create": (("J1",), "post", "/api/v1/workloads/jobs/J1/runs"),
}


@pytest.mark.parametrize(("module", "path_parameters", "method", "url"), [(k, *v) for k, v in READABLE.items()])
def test_its_methods_are_named_after_what_they_do(generated, module, path_parameters, method, url):
    operation = importlib.import_module(f"{PACKAGE}.api.{module}")
    body = inspect.signature(operation._get_kwargs).parameters.get("body")
    required_body = {"body": AnyBody()} if body and body.default is inspect.Parameter.empty else {}
    kwargs = operation._get_kwargs(*path_parameters, **required_body)
    assert (kwargs["method"], kwargs["url"]) == (method, url)
    assert callable(operation.sync) and callable(operation.asyncio)


def test_no_method_keeps_a_generated_name(generated):
    api = importlib.import_module(f"{PACKAGE}.api")
    names = [info.name.rsplit(".", 1)[-1] for info in pkgutil.walk_packages(api.__path__, f"{PACKAGE}.api.")]
    assert len(names) > 200
    leftovers = ("_retrieve", "_partial_update", "_destroy", "_create_create", "_list_create")
    assert not [name for name in names if name.endswith(leftovers) or name in ("me_list", "auth_login_create")]


@pytest.fixture
def transport(db) -> httpx.WSGITransport:
    """The API in-process. As Django's test client does, requests keep the test transaction's connection open."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield httpx.WSGITransport(app=get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_it_reads_real_answers_into_typed_models(generated, transport, alice, acme, api):
    owner = owner_principal(alice, acme)
    job = workloads_objects(owner, team_create(principal=owner, name="Data"))["job"]
    package = importlib.import_module(PACKAGE)
    models = importlib.import_module(f"{PACKAGE}.models")
    me_get, members_list, job_run_create = (
        importlib.import_module(f"{PACKAGE}.api.{module}")
        for module in ("identity.me_get", "members.members_list", "workloads.job_run_create")
    )
    _login, token = login_create(user=alice)
    client = package.AuthenticatedClient(
        base_url="http://testserver",
        token=token,
        headers={"LakeSail-Organization-Id": acme.pk},
        raise_on_unexpected_status=True,
        httpx_args={"transport": transport},
    )

    me = me_get.sync(client=client)
    assert isinstance(me, models.Me) and me.user.id == alice.pk
    members = members_list.sync(client=client)
    assert isinstance(members, models.MemberList) and members.total == 1

    body = models.RunCreateRequest.from_dict({"parameters": ["--day", 2], "namedParameters": {"DAY": "mon"}})
    run = job_run_create.sync(job, client=client, body=body)
    assert isinstance(run, models.JobRunDescribed)
    assert (run.parameters, run.named_parameters.additional_properties) == (["--day", "2"], {"DAY": "mon"})
    # Pending on the job's cluster, which serves nothing: a documented key, and no undocumented one.
    cluster_id = JobRun.objects.get(pk=run.id).cluster_id
    assert (run.pending_reason, run.pending_detail.cluster_id) == ("cluster_unavailable", cluster_id)
    assert run.pending_detail.additional_properties == {}

    refused = api.post(f"/workloads/jobs/{job}/runs", {"parameters": ["x", True], "namedParameters": {"A": [1]}})
    assert refused.status_code == 400
    refused_fields = {path.split(".")[0].split("[")[0] for path in refused.json()["details"]["fieldErrors"]}
    assert refused_fields == {"parameters", "namedParameters"}
