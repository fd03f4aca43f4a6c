"""Schemathesis over the live OpenAPI schema, in-process, as an authenticated owner.

Every operation the schema declares is fuzzed: new endpoints join automatically.

- Every check Schemathesis has (status codes, content types, headers and bodies conform; valid data is accepted
  and invalid data refused; no 5xx; authentication is not ignored; unsupported methods get 405), for valid and
  invalid (negative) data, plus one of ours: a UTC time is spelled with `Z`. What the schema cannot carry is
  said here, each with its reason (`SCHEMA_CANNOT_SAY`, `made_up_values_replaced`).
- Hostile input is a 4xx, never a 5xx: one value of a generated request (a query, path or body value, or a list
  parameter the endpoint may read) is replaced by a long string (past the query string limit, or a 70 KB body
  field), a huge number, JSON nested past the depth limit, or the whole body by one past the size limit. See
  docs/security.md for the limits.
"""

import datetime as dt
import json
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.config._checks import (
    NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES,
    POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES,
)

from apps.core import clock
from apps.identity.services.logins import login_create

app = get_wsgi_application()

# A valid `If-Match` naming another version gets 412, and preconditions are judged before the body is read
# (RFC 9110 13.2.1): 412 is a right answer to valid and to invalid data. 5xx is never one.
POSITIVE = [*(s for s in POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES if s != "5xx"), "412"]
NEGATIVE = [*(s for s in NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES if s != "5xx"), "412"]
# Operations whose valid-looking input must also name something that exists or is secret, which no schema can
# describe: a 400 to schema-valid data is right there.
SCHEMA_CANNOT_SAY = {
    "auth_email_verify": "the token of a sent link",
    "auth_password_reset": "the token of a sent link",
    "auth_challenge_verify": "a pending challenge and its code",
    "auth_challenge_password": "a challenge that asks for a new password",
    "auth_challenge_send_code": "a pending challenge",
    "auth_reauth": "the caller's password or a code of their authenticator",
    "auth_signup": "a password not on the list of common passwords",
    "me_mfa_totp_confirm": "a code of the authenticator being enrolled",
    "me_update": "a login email the caller has verified",
    "auth_idp_create": "an issuer that answers OIDC discovery on a public address, and scopes with openid",
    "auth_idps_auto_setup": "a provider that answers discovery and registers clients on a public address",
    "catalog_create": "the configWrite options of the chosen provider (one shape lists every provider's)",
    "channel_create": "the config of the chosen type (one shape lists every type's), a member or team",
    "rule_create": "the fields of the chosen scope, channels and teams of the organization",
    "compute_config_create": "teams of the organization",
    "connection_create": "the providerConfig of the chosen provider (an AWS account id and region, say)",
    "team_create": "a team role of the organization",
    "job_create": "teams the caller may share with and a cluster they may use",
    "query_create": "a catalog and teams the caller may use",
    "queries_validate": "a catalog the caller may use",
    "session_create": "a compute config or a team with a default one, for the caller",
    "invite_create": "roles and teams of the organization",
    "settings_update": "roles and teams of the organization",
    "schedule_preview": "a cron expression that can fire and an IANA time zone",
}
CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {"mode": "all", "deterministic": True, "allow-x00": False},
        "checks": {
            "positive_data_acceptance": {"expected-statuses": POSITIVE},
            "negative_data_rejection": {"expected-statuses": NEGATIVE},
        },
        "operations": [
            {
                "include-operation-id-regex": f"^({'|'.join(SCHEMA_CANNOT_SAY)})$",
                "checks": {"positive_data_acceptance": {"expected-statuses": [*POSITIVE, "400"]}},
            }
        ],
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG)
hostile = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
hostile.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
# Only generated cases go through the spoiling hook; the schema's examples and the coverage phase's
# boundary values are the first test's job.
hostile.config.phases.examples.enabled = False
hostile.config.phases.coverage.enabled = False

STRONG_PASSWORD = "fuzzed-Horse-7-battery"
UTC_NOT_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?\+00:00$")


@schema.hook
def map_case(context: schemathesis.HookContext, case: schemathesis.Case) -> schemathesis.Case:
    """made_up_values_replaced: in valid cases, values that are valid only if the server issued or allows them.

    A `marker` is one a list returned (a made-up one is a 400), a new password is not a common one, and an API key's
    `expiresAt` is in the future: the schema says what it can (type, length, format) and the docs say the rest.
    """
    if case.meta is None or case.meta.generation.mode.is_negative:
        return case
    if case.query and "marker" in case.query:
        del case.query["marker"]
    if isinstance(case.body, dict):
        for name in ("password", "newPassword"):
            if isinstance(case.body.get(name), str):
                case.body[name] = STRONG_PASSWORD
        if isinstance(case.body.get("expiresAt"), str):
            case.body["expiresAt"] = (clock.now() + dt.timedelta(days=1)).isoformat().replace("+00:00", "Z")
    return case


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@schemathesis.check
def utc_times_end_in_z(ctx, response, case) -> None:
    """One spelling of UTC in every answer, reads and writes alike: `…Z`, never `…+00:00`."""
    if "json" not in (response.headers.get("Content-Type") or [""])[0]:
        return
    try:
        body = json.loads(response.content)
    except ValueError:
        return
    spelled = sorted({text for text in _strings(body) if UTC_NOT_Z.match(text)})
    assert not spelled, f"UTC written with +00:00: {spelled[:3]}"


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
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@pytest.mark.django_db
def test_every_operation_passes_every_check(case, alice, acme):
    # A login per example: an example may end its own login (logout, a new login email) but not the next one's.
    _login, token = login_create(user=alice)
    case.call_and_validate(headers={"Authorization": f"Bearer {token}", "LakeSail-Organization-Id": acme.pk})


@hostile.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_hostile_input_is_refused_without_a_server_error(case, owner_headers):
    response = case.call(headers=owner_headers)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text[:500]}"
