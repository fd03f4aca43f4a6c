import pytest
from rest_framework.exceptions import ValidationError

from apps.core.api.exceptions import exception_handler, flatten_field_errors


def test_an_unknown_endpoint_is_a_404_error_object(api):
    response = api.get("/does-not-exist")
    assert response.status_code == 404
    assert response.json()["code"] == "endpoint_not_found"
    assert response.json()["errorType"] == "not_found"


def test_no_token_is_a_401_error_object(anon):
    response = anon.get("/me")
    assert response.status_code == 401
    assert response.json()["errorType"] == "authentication"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_token_is_a_401(db):
    from tests.conftest import ApiClient

    response = ApiClient(token="lst_not-a-real-token").get("/me")
    assert response.status_code == 401
    assert "not valid" in response.json()["message"]


def test_a_malformed_authorization_header_is_a_401(anon):
    response = anon.get("/me", headers={"Authorization": "Token abc"})
    assert response.status_code == 401


def test_a_wrong_method_is_a_405_error_object(api):
    response = api.delete("/me")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_invalid_json_is_a_400_error_object(anon):
    response = anon.client.post("/api/v1/auth/login", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"


def test_validation_errors_are_keyed_by_wire_field(anon):
    response = anon.post("/auth/login", {"email": "not-an-email"})
    assert response.status_code == 400
    errors = response.json()["details"]["fieldErrors"]
    assert set(errors) == {"email", "password"}


def test_the_request_id_is_in_the_header_and_the_body(anon):
    response = anon.get("/me", headers={"X-Request-Id": "trace-abcdef123"})
    assert response["X-Request-Id"] == "trace-abcdef123"
    assert response.json()["details"]["requestId"] == "trace-abcdef123"


def test_an_unsafe_incoming_request_id_is_replaced(anon):
    response = anon.get("/me", headers={"X-Request-Id": "<script>"})
    assert response["X-Request-Id"] != "<script>"
    assert len(response["X-Request-Id"]) == 16


def test_nested_errors_flatten_to_wire_paths():
    detail = {"config": {"sql": {"source": ["Required."]}}, "tags": [{}, ["Too long."]], "non_field_errors": ["Bad."]}
    assert flatten_field_errors(detail) == {"config.sql.source": "Required.", "tags[1]": "Too long.", "request": "Bad."}


def test_a_list_fields_item_errors_are_named_by_index():
    # DRF gives a ListField's item errors as a dict keyed by the item's index.
    detail = {"parameters": {1: ["Not a valid string."]}, "config": {"tags": {0: ["Too long."]}}}
    assert flatten_field_errors(detail) == {"parameters[1]": "Not a valid string.", "config.tags[0]": "Too long."}


def test_an_unexpected_exception_becomes_a_500_error_object(db):
    response = exception_handler(RuntimeError("boom"), {"view": None})
    assert response.status_code == 500
    assert response.data["code"] == "internal_error"
    assert "boom" not in response.data["message"]


def test_a_drf_validation_error_becomes_a_400_with_field_errors():
    response = exception_handler(ValidationError({"name": ["Required."]}), {"view": None})
    assert response.status_code == 400
    assert response.data["details"]["fieldErrors"] == {"name": "Required."}


@pytest.mark.parametrize("path", ["/api/v1/me", "/healthz", "/login/"])
def test_every_response_carries_security_headers(client, db, path):
    response = client.get(path)
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "HX-Request" in response["Vary"]
    assert response["X-Request-Id"]
