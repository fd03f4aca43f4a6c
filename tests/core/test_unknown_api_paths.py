"""Any method on an unknown /api/ path is the JSON 404 error object: CSRF is for session requests to real views."""

import pytest

from tests.conftest import ApiClient


def enforcing_csrf(client: ApiClient) -> ApiClient:
    """Django's test client skips CSRF checks unless asked; a browser or script gets them."""
    client.client.handler.enforce_csrf_checks = True
    return client


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE"])
def test_an_unknown_api_path_is_a_json_404_for_a_bearer_client(api, method):
    response = enforcing_csrf(api).request(method, "/api/v1/no/such/endpoint", {"name": "x"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "endpoint_not_found"


@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_an_unknown_api_path_is_a_json_404_without_credentials(anon, method):
    response = enforcing_csrf(anon).request(method, "/api/v2/teams")
    assert response.status_code == 404 and response.json()["code"] == "endpoint_not_found"


def test_csrf_still_guards_session_requests_to_real_endpoints(owner_console):
    owner_console.handler.enforce_csrf_checks = True
    response = owner_console.post("/api/v1/org/teams", {"name": "Data"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["errorType"] == "authorization"
