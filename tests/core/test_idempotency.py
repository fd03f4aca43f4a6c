"""Idempotency-Key on every POST under /api/v1/ (apps/core/idempotency.py)."""

import json
import threading
import uuid

import pytest
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.test import RequestFactory
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from apps.core.idempotency import Scope, fingerprint
from apps.org.models import Team
from tests.conftest import ApiClient


def _key() -> str:
    return str(uuid.uuid4())


def _raw_post(api: ApiClient, path: str, body: dict, key: str):
    """A POST without ApiClient's checks: a replayed error object names the first request's id, not this one's."""
    return api.client.post(
        f"/api/v1{path}",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
        HTTP_LAKESAIL_ORGANIZATION_ID=api.org_id,
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_a_retried_post_gets_the_first_response_and_creates_one_team(api, acme):
    key = _key()

    first = api.post("/org/teams", {"name": "Platform"}, headers={"Idempotency-Key": key})
    retry = api.post("/org/teams", {"name": "Platform"}, headers={"Idempotency-Key": key})

    assert first.status_code == retry.status_code == 201
    assert retry.content == first.content
    assert retry["ETag"] == first["ETag"]
    assert retry["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert Team.objects.filter(organization=acme, name="Platform").count() == 1


def test_without_a_key_a_second_post_runs_again(api):
    api.post("/org/teams", {"name": "Platform"})

    assert api.post("/org/teams", {"name": "Platform"}).status_code == 409  # the team name is taken


def test_the_same_key_with_another_body_is_refused_with_422(api, acme):
    key = _key()
    api.post("/org/teams", {"name": "Platform"}, headers={"Idempotency-Key": key})

    response = api.post("/org/teams", {"name": "Analytics"}, headers={"Idempotency-Key": key})

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert not Team.objects.filter(organization=acme, name="Analytics").exists()


def test_the_same_key_on_another_path_is_refused_with_422(api):
    key = _key()
    api.post("/org/teams", {"name": "Platform"}, headers={"Idempotency-Key": key})

    response = api.post("/org/roles", {"name": "Platform"}, headers={"Idempotency-Key": key})

    assert response.status_code == 422


def test_keys_belong_to_one_principal(api, api_as, charlie, globex):
    key = _key()
    api.post("/org/teams", {"name": "Platform"}, headers={"Idempotency-Key": key})

    theirs = api_as(charlie, globex).post("/org/teams", {"name": "Platform"}, headers={"Idempotency-Key": key})

    assert theirs.status_code == 201
    assert not theirs.has_header("Idempotent-Replayed")
    assert theirs.json()["team"]["organizationId"] == globex.pk


def test_a_client_error_is_kept_and_replayed(api):
    key = _key()

    first = _raw_post(api, "/org/teams", {}, key)
    retry = _raw_post(api, "/org/teams", {}, key)

    assert first.status_code == retry.status_code == 400
    assert retry.content == first.content
    assert retry["Idempotent-Replayed"] == "true"


_calls: list[int] = []


@csrf_exempt
def _fails_once(request: HttpRequest) -> JsonResponse:
    _calls.append(1)
    return JsonResponse({"call": len(_calls)}, status=503 if len(_calls) == 1 else 201)


urlpatterns = [path("api/v1/fails-once", _fails_once)]


@pytest.mark.urls(__name__)
def test_a_server_error_is_not_kept_so_a_retry_runs_again(client, db):
    _calls.clear()
    key = _key()

    first = client.post("/api/v1/fails-once", "{}", content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
    retry = client.post("/api/v1/fails-once", "{}", content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
    again = client.post("/api/v1/fails-once", "{}", content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)

    assert [first.status_code, retry.status_code, again.status_code] == [503, 201, 201]
    assert again.json() == {"call": 2}
    assert again["Idempotent-Replayed"] == "true"


def _scope_of(api: ApiClient, path: str, body: dict, key: str) -> tuple[Scope, str]:
    request = RequestFactory().post(
        f"/api/v1{path}", json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {api.token}"
    )
    return Scope.of(request, key), fingerprint(request)


def test_a_duplicate_while_the_first_still_runs_gets_409_then_runs_once_it_is_free(api, acme):
    key = _key()
    scope, running_request = _scope_of(api, "/org/teams", {"name": "Platform"}, key)
    running = scope.running(running_request)
    assert running.acquire()
    try:
        response = api.post("/org/teams", {"name": "Platform"}, headers={"Idempotency-Key": key})
        assert response.status_code == 409
        assert response.json()["code"] == "idempotency_request_in_progress"
        assert response.json()["details"]["retryable"] is True
        assert response["Retry-After"] == "1"
        assert not Team.objects.filter(organization=acme, name="Platform").exists()
    finally:
        running.release()

    assert api.post("/org/teams", {"name": "Platform"}, headers={"Idempotency-Key": key}).status_code == 201


def test_another_request_with_the_key_of_a_running_one_gets_422_at_once(api):
    key = _key()
    scope, running_request = _scope_of(api, "/org/teams", {"name": "Platform"}, key)
    running = scope.running(running_request)
    assert running.acquire()
    try:
        response = api.post("/org/teams", {"name": "Analytics"}, headers={"Idempotency-Key": key})
    finally:
        running.release()

    assert response.status_code == 422


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_create_one_team_and_share_its_response(alice, acme):
    key = _key()
    token = ApiClient().as_(alice, acme).token  # one credential: keys are per principal
    clients = [ApiClient(token, acme.pk) for _ in range(3)]
    start = threading.Barrier(len(clients))
    responses = []

    def post(client: ApiClient) -> None:
        try:
            start.wait()
            responses.append(client.post("/org/teams", {"name": "Platform"}, headers={"Idempotency-Key": key}))
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Team.objects.filter(organization=acme, name="Platform").count() == 1
    created = [r for r in responses if r.status_code == 201]
    assert created and {r.content for r in created} == {created[0].content}
    assert {r.status_code for r in responses} <= {201, 409}


def test_a_malformed_key_is_refused_with_400(api, acme):
    response = api.post("/org/teams", {"name": "Platform"}, headers={"Idempotency-Key": "x" * 256})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"
    assert not Team.objects.filter(organization=acme, name="Platform").exists()
