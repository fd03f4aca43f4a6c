"""Responses that may carry a secret are never stored by a browser or proxy cache: Cache-Control: no-store."""

import pytest
from django.test import Client
from django.utils.cache import get_max_age


def no_store(response) -> bool:
    return "no-store" in [d.strip() for d in response.get("Cache-Control", "").split(",")]


def test_the_login_response_with_its_token_is_not_stored(anon, alice):
    response = anon.post("/auth/login", {"email": "alice@acme.test", "password": "correct-horse-battery-staple"})
    assert response.status_code == 200 and response.json()["token"]
    assert no_store(response)


def test_a_new_api_key_is_not_stored(api):
    account = api.post("/org/service-accounts", {"username": "ci-deploy"}).json()
    response = api.post(f"/org/service-accounts/{account['id']}/keys", {"name": "deploy"})
    assert response.status_code == 201 and response.json()["secret"]
    assert no_store(response)


@pytest.mark.parametrize("path", ["/me", "/org/teams", "/does-not-exist"])
def test_every_api_response_is_not_stored(api, path):
    assert no_store(api.get(path))


def test_api_errors_and_anonymous_api_responses_are_not_stored(anon):
    assert no_store(anon.get("/me"))
    assert no_store(anon.client.get("/api/v1/openapi.json"))


@pytest.mark.parametrize("path", ["/", "/identity/", "/org/members/", "/identity/users/"])
def test_authenticated_console_pages_are_not_stored(owner_console, path):
    response = owner_console.get(path)
    assert response.status_code == 200
    assert no_store(response)


def test_htmx_partials_are_not_stored(owner_console):
    assert no_store(owner_console.get("/org/members/", headers={"HX-Request": "true"}))


def test_static_files_keep_their_own_caching(db):
    response = Client().get("/static/css/console.css")
    assert response.status_code == 200
    assert not no_store(response)
    assert get_max_age(response) is not None
