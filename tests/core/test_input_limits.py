"""Bad input is a 4xx error object (400, 413, 414), never a 5xx: body size, query string, JSON depth, lists."""

import json

import pytest
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.test import Client

from apps.core.api.exceptions import exception_handler
from apps.core.limits import JsonRefused, json_loads

DEEP = "[" * 5000


def assert_error_object(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert {"code", "message", "errorType", "details"} <= set(body)
    assert body["details"]["requestId"] == response["X-Request-Id"]
    if code:
        assert body["code"] == code
    return body


@pytest.mark.parametrize("body", [DEEP, '{"a":' * 5000, "[" * 40 + "]" * 40])
def test_deeply_nested_json_to_the_public_login_is_a_400(anon, body):
    response = anon.client.post("/api/v1/auth/login", body, content_type="application/json")
    body = assert_error_object(response, 400, "malformed_request")
    assert "nested deeper than 32" in body["message"]


def test_deeply_nested_json_to_an_authenticated_endpoint_is_a_400(api):
    response = api.client.post(
        "/api/v1/org/teams",
        DEEP,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
        HTTP_LAKESAIL_ORGANIZATION_ID=api.org_id,
    )
    assert_error_object(response, 400, "malformed_request")


def test_json_nested_up_to_the_limit_is_parsed(anon):
    body = json.dumps({"email": json.loads("[" * 31 + "]" * 31), "password": "x"})  # 32 levels
    response = anon.client.post("/api/v1/auth/login", body, content_type="application/json")
    assert_error_object(response, 400, "invalid_input")  # the serializer saw it: not a parse error


def test_a_deeply_nested_json_filter_is_a_400(api):
    assert_error_object(api.get("/org/members?filter=" + "[" * 2000), 400)


def test_a_body_over_the_limit_is_a_413_before_authentication(anon):
    big = json.dumps({"email": "a@b.test", "password": "x" * (5 * 1024 * 1024)})
    response = anon.client.post("/api/v1/auth/login", big, content_type="application/json")
    body = assert_error_object(response, 413, "request_too_large")
    assert "1048576 bytes" in body["message"]


def test_the_body_limit_is_a_setting(anon, settings):
    settings.REQUEST_MAX_BODY_BYTES = 100
    response = anon.client.post("/api/v1/auth/login", json.dumps({"email": "a" * 200}), content_type="application/json")
    assert_error_object(response, 413)


def test_a_console_body_over_the_limit_is_a_plain_413_page(db):
    response = Client().post("/login/", {"email": "a@b.test", "password": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert b"Error 413" in response.content and b"console.css" in response.content


def test_a_query_string_over_the_limit_is_a_414(api):
    body = assert_error_object(api.get("/org/teams?search=" + "a" * 60_000), 414, "uri_too_long")
    assert "8192" in body["message"]


def test_a_console_query_string_over_the_limit_is_a_plain_414_page(owner_console):
    response = owner_console.get("/org/members/?q=" + "a" * 60_000)
    assert response.status_code == 414 and b"Error 414" in response.content


@pytest.mark.parametrize("path", ["/org/teams", "/org/members", "/org/roles", "/org/team-roles"])
@pytest.mark.parametrize("page", ["99999999999999999999", "1000001", "0", "-1", "²", "٣", "+1", "1_0", " 1", "1e3"])
def test_a_page_that_is_not_a_bounded_number_is_a_400(api, path, page):
    body = assert_error_object(api.get(f"{path}?page={page}"), 400, "invalid_input")
    assert set(body["details"]["fieldErrors"]) == {"page"}


@pytest.mark.parametrize("limit", ["101", "-1", "99999999999999999999", "²"])
def test_a_limit_outside_0_to_100_is_a_400(api, limit):
    body = assert_error_object(api.get(f"/org/teams?limit={limit}"), 400, "invalid_input")
    assert set(body["details"]["fieldErrors"]) == {"limit"}


def test_the_last_allowed_page_is_an_empty_page(api):
    response = api.get("/org/teams?page=1000000")
    assert response.status_code == 200 and response.json()["items"] == []


def test_a_search_longer_than_the_limit_is_a_400(api):
    assert api.get("/org/teams?search=" + "a" * 200).status_code == 200
    body = assert_error_object(api.get("/org/teams?search=" + "a" * 201), 400, "invalid_input")
    assert body["details"]["fieldErrors"] == {"search": "At most 200 characters."}


@pytest.mark.parametrize("path", ["/org/members/", "/org/teams/", "/identity/users/", "/identity/service-accounts/"])
@pytest.mark.parametrize("page", ["99999999999999999999", "²", "0", "abc"])
def test_console_lists_survive_any_page_number(owner_console, path, page):
    response = owner_console.get(f"{path}?page={page}", follow=True)
    assert response.status_code == 200


def test_json_loads_refuses_depth_over_the_limit_without_recursing():
    assert json_loads("[" * 32 + "]" * 32) is not None
    for text in ("[" * 33 + "]" * 33, DEEP, '{"a":' * 100_000):
        with pytest.raises(JsonRefused):
            json_loads(text)


def test_a_json_too_deep_error_is_a_value_error():
    with pytest.raises(ValueError):
        json_loads("{" * 5000)


@pytest.mark.parametrize(
    "path", ["/org/teams/%00", "/org/teams?search=%00", "/org/members?filter=%7B%22search%22%3A%22%00%22%7D"]
)
def test_a_nul_character_in_the_url_is_a_400(api, path):
    assert_error_object(api.get(path), 400, "malformed_request")


@pytest.mark.parametrize("body", [{"name": "a\x00b"}, {"name": "Data", "preferences": {"k\x00": "v"}}])
def test_a_nul_character_in_a_json_string_is_a_400(api, body):
    response = assert_error_object(api.post("/org/teams", body), 400, "malformed_request")
    assert "NUL" in response["message"]


def test_json_loads_refuses_nul_characters_anywhere():
    with pytest.raises(JsonRefused):
        json_loads('{"a": [{"b\\u0000": 1}]}')


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (RequestDataTooBig("big"), 413, "request_too_large"),
        (TooManyFieldsSent("many"), 400, "malformed_request"),
        (SuspiciousOperation("odd"), 400, "malformed_request"),
        (RecursionError("maximum recursion depth exceeded while decoding a JSON array"), 400, "malformed_request"),
    ],
)
def test_input_errors_raised_inside_a_view_are_4xx_error_objects(db, exc, status, code):
    response = exception_handler(exc, {"view": None})
    assert response.status_code == status and response.data["code"] == code
