"""Schemathesis over the live OpenAPI schema, in-process, as an authenticated owner.

Every endpoint the schema declares is fuzzed: new endpoints join automatically. Two properties:

- every response conforms to the schema and none is a 5xx, for valid and invalid (negative) data;
- hostile input is a 4xx, never a 5xx: one value of a generated request (a query, path or body
  value, or a list parameter the endpoint may read) is replaced by a long string (past the query
  string limit, or a 70 KB body field), a huge number, JSON nested past the depth limit, or the
  whole body by one past the size limit. See docs/security.md for the limits.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import ignored_auth, not_a_server_error, response_schema_conformance

from apps.identity.services.logins import login_create

app = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
hostile = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
hostile.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
# Only generated cases go through the spoiling hook; the schema's examples and the coverage phase's
# boundary values are the first test's job.
hostile.config.phases.examples.enabled = False
hostile.config.phases.coverage.enabled = False

CHECKS = [not_a_server_error, response_schema_conformance, ignored_auth]


def nested(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


HOSTILE_VALUES = st.sampled_from(
    [
        "x" * 70_000,  # past the query-string limit; a 70 KB string in a body
        "ä" * 1_300,  # under the query-string limit once encoded, longer than any search or name
        "%_\\" * 500,  # LIKE wildcards and escapes
        "99999999999999999999",
        "-1",
        "²",
        "\x00",
        '{"search": ' * 60 + "1" + "}" * 60,  # a JSON query value nested past the limit
        nested(200),  # a JSON body value nested past the limit
        10**30,
    ]
)
# Parameters that list endpoints read whether or not an operation declares them.
LIST_PARAMETERS = ("page", "limit", "search", "filter", "marker", "sortBy", "sortDirection")


@st.composite
def spoiled(draw: st.DrawFn, case: schemathesis.Case) -> schemathesis.Case:
    targets = [("query", key) for key in {*case.query, *LIST_PARAMETERS}]
    targets += [("path_parameters", key) for key in case.path_parameters]
    if isinstance(case.body, dict):
        targets += [("body", key) for key in case.body]
    location, key = draw(st.sampled_from(sorted(targets)))
    value = draw(HOSTILE_VALUES)
    if location != "body" and not isinstance(value, str):
        value = str(value) if isinstance(value, int) else "[" * 2_000
    spoilt = case.derive(keep_auth=True)
    getattr(spoilt, location)[key] = value
    return spoilt


@hostile.hook
def flatmap_case(context: schemathesis.HookContext, case: schemathesis.Case) -> st.SearchStrategy:
    too_large = case.derive(keep_auth=True)
    too_large.body = {"value": "x" * 1_100_000}  # past REQUEST_MAX_BODY_BYTES (1 MiB)
    choices = [spoiled(case)]
    if case.method in ("POST", "PUT", "PATCH"):
        choices.append(st.just(too_large))
    return st.one_of(*choices)


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """As Django's test client does: the WSGI handler must not close the test transaction's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def owner_headers(alice, acme) -> dict[str, str]:
    _login, token = login_create(user=alice)
    return {"Authorization": f"Bearer {token}", "LakeSail-Organization-Id": acme.pk}


@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_the_api_has_no_server_errors_and_matches_its_schema(case, owner_headers):
    case.call_and_validate(headers=owner_headers, checks=CHECKS)


@hostile.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_hostile_input_is_refused_without_a_server_error(case, owner_headers):
    response = case.call(headers=owner_headers)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text[:500]}"
