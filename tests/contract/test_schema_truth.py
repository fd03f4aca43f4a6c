"""The OpenAPI schema says what the API does: types are refused, not coerced; errors, list bounds and the
organization header are declared on every operation; operationIds read like the API (tests/fuzz checks the rest
with every Schemathesis check)."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from apps.org.models import Team

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def openapi() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(openapi: dict):
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            if method in METHODS:
                yield path.removeprefix("/api/v1"), method, operation


def test_operation_ids_read_like_the_api_and_are_unique(openapi):
    ids = {(method, path): op["operationId"] for path, method, op in _operations(openapi)}
    assert len(set(ids.values())) == len(ids)
    assert ids[("get", "/me")] == "me_get"
    assert ids[("post", "/auth/login")] == "auth_login"
    assert ids[("get", "/workloads/jobs")] == "jobs_list"
    assert ids[("post", "/workloads/jobs")] == "job_create"
    assert ids[("get", "/workloads/jobs/{job}")] == "job_get"
    assert ids[("post", "/workloads/jobs/{job}/draft/publish")] == "job_draft_publish"
    assert ids[("put", "/org/members/{member}/roles")] == "member_roles_replace"
    leftovers = ("_retrieve", "_partial_update", "_destroy")
    assert not [name for name in ids.values() if name.endswith(leftovers)]


def test_every_operation_declares_its_error_answers(openapi):
    for path, method, op in _operations(openapi):
        responses = op["responses"]
        expected = {"400", "401", "403", "404", "429"}
        if method != "get":
            expected |= {"409"}
        if "requestBody" in op:
            expected |= {"413", "415"}
        assert expected <= set(responses), f"{method} {path}: {sorted(expected - set(responses))}"
    errors = openapi["components"]["responses"]
    assert "fieldErrors" in errors["BadRequest"]["description"]


def test_list_parameters_carry_their_bounds_and_the_org_header_is_one_parameter(openapi):
    ops = dict(((method, path), op) for path, method, op in _operations(openapi))
    params = {p.get("name"): p for p in ops[("get", "/org/teams")]["parameters"]}
    assert params["limit"]["schema"] == {"type": "integer", "minimum": 0, "maximum": 100, "default": 100}
    assert params["page"]["schema"]["minimum"] == 1
    refs = [p for p in ops[("get", "/org/teams")]["parameters"] if "$ref" in p]
    assert {"$ref": "#/components/parameters/OrganizationId"} in refs
    org_scoped = [op for (_m, path), op in ops.items() if path.startswith(("/org/", "/infra/", "/workloads/"))]
    org_scoped = [op for op in org_scoped if not op["operationId"].startswith("invite_")]
    assert all({"$ref": "#/components/parameters/OrganizationId"} in op["parameters"] for op in org_scoped)


def test_the_fields_the_issue_named_are_typed_and_the_login_answer_has_a_discriminator(openapi):
    schemas = openapi["components"]["schemas"]
    for name, field in [("Me", "root"), ("Member", "preferences"), ("Organization", "settings")]:
        assert schemas[name]["properties"][field]["type"] == "object", (name, field)
    assert schemas["LoginOutcome"]["discriminator"]["propertyName"] == "outcome"
    assert schemas["SignupRequest"]["properties"]["password"]["minLength"] == 8
    assert "pattern" in schemas["AutoSetupRequest"]["properties"]["providerUrl"]


def test_a_json_body_of_the_wrong_type_is_refused_not_coerced(api):
    account = api.post("/org/service-accounts", {"username": "ci-bot"}).json()
    response = api.request("PATCH", f"/org/service-accounts/{account['id']}", {"enabled": 0})
    assert response.status_code == 400 and "enabled" in response.json()["details"]["fieldErrors"]
    assert api.get(f"/org/service-accounts/{account['id']}").json()["enabled"] is True
    response = api.post("/org/teams", {"name": 12345})
    assert response.status_code == 400 and "name" in response.json()["details"]["fieldErrors"]
    assert not Team.objects.filter(name="12345").exists()
    # Query strings are text: their parameters keep being parsed from it.
    assert api.get("/org/audit-events?limit=5").status_code == 200


def test_preconditions_never_hide_a_405_and_a_key_without_credentials_reserves_nothing(api, anon):
    response = api.request("PUT", "/org/teams", {"name": "x"}, headers={"If-Match": '"abc"'})
    assert response.status_code == 405
    for body in ({"name": "a"}, {"name": "b"}):
        response = anon.request("POST", "/org/teams", body, headers={"Idempotency-Key": "same-key"})
        assert response.status_code == 401


def test_a_repeated_query_parameter_is_refused(api):
    response = api.get("/org/teams?search=a&search=b")
    assert response.status_code == 400 and "search" in response.json()["details"]["fieldErrors"]


@pytest.mark.parametrize("url", ["https://" + "0" * 300, "http://[0]", "http://[::g]"])
def test_a_host_name_that_cannot_be_one_is_a_400_not_a_500(api, url):
    body = {"name": "x", "providerUrl": url, "providerType": "generic-oidc"}
    assert api.post("/auth/idps/auto-setup", body).status_code == 400


def test_an_offset_postgresql_cannot_store_is_still_a_time(api):
    # RFC 3339 allows offsets to ±23:59; PostgreSQL takes ±15:59, so filters compare in UTC.
    assert api.get("/notifications?createdAfter=2026-01-01T00:00:00%2B19:17").status_code == 200
    assert api.get("/me/jobs/runs?createdBefore=2026-01-01T00:00:00-20:00").status_code == 200
