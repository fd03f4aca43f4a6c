"""Schemathesis over the live OpenAPI schema, in-process, as an authenticated owner.

Every endpoint the schema declares is fuzzed: new endpoints join automatically.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import ignored_auth, not_a_server_error, response_schema_conformance

from apps.identity.services.logins import login_create

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

CHECKS = [not_a_server_error, response_schema_conformance, ignored_auth]


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
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_the_api_has_no_server_errors_and_matches_its_schema(case, owner_headers):
    case.call_and_validate(headers=owner_headers, checks=CHECKS)
