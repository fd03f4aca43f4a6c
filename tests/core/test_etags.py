"""ETag, If-None-Match and If-Match on every API resource, with no code in the views (apps/core/etags.py)."""

import json
import threading

import pytest
from django.db import connection

from apps.identity.models import ApiKey
from apps.org.models import Team
from tests.conftest import ApiClient


@pytest.fixture
def data_team(api: ApiClient) -> Team:
    return Team.objects.get(pk=api.post("/org/teams", {"name": "Data"}).json()["team"]["id"])


def _team(api: ApiClient, team: Team):
    return api.get(f"/org/teams/{team.pk}")


def test_a_resource_get_carries_a_strong_etag_that_changes_with_the_resource(api, data_team):
    first = _team(api, data_team)
    assert first.status_code == 200
    assert first["ETag"].startswith('"') and first["ETag"].endswith('"')
    assert _team(api, data_team)["ETag"] == first["ETag"]

    api.patch(f"/org/teams/{data_team.pk}", {"name": "Platform"})

    assert _team(api, data_team)["ETag"] != first["ETag"]


def test_if_none_match_with_the_current_etag_answers_304_without_a_body(api, data_team):
    etag = _team(api, data_team)["ETag"]

    response = api.get(f"/org/teams/{data_team.pk}", headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert api.get(f"/org/teams/{data_team.pk}", headers={"If-None-Match": '"stale"'}).status_code == 200


def test_a_patch_response_carries_the_etag_the_next_get_returns(api, data_team):
    response = api.patch(f"/org/teams/{data_team.pk}", {"name": "Platform"})

    assert response.status_code == 200
    assert response["ETag"] == _team(api, data_team)["ETag"]


def test_a_create_response_carries_the_etag_of_the_created_resource(api):
    response = api.post("/org/teams", {"name": "Platform"})

    assert response.status_code == 201
    assert response["ETag"] == api.get(f"/org/teams/{response.json()['team']['id']}")["ETag"]


def test_a_patch_with_a_stale_if_match_is_refused_with_412_and_changes_nothing(api, data_team):
    stale = _team(api, data_team)["ETag"]
    api.patch(f"/org/teams/{data_team.pk}", {"name": "Platform"})
    current = _team(api, data_team)["ETag"]

    response = api.patch(f"/org/teams/{data_team.pk}", {"name": "Analytics"}, headers={"If-Match": stale})

    assert response.status_code == 412
    assert response.json()["code"] == "precondition_failed"
    assert response["ETag"] == current
    data_team.refresh_from_db()
    assert data_team.name == "Platform"


def test_a_patch_with_the_current_if_match_goes_through(api, data_team):
    etag = _team(api, data_team)["ETag"]

    response = api.patch(f"/org/teams/{data_team.pk}", {"name": "Platform"}, headers={"If-Match": etag})

    assert response.status_code == 200
    assert response.json()["team"]["name"] == "Platform"


def test_if_match_compares_strongly_and_accepts_a_star(api, data_team):
    etag = _team(api, data_team)["ETag"]

    weak = api.patch(f"/org/teams/{data_team.pk}", {"name": "Weak"}, headers={"If-Match": f"W/{etag}"})
    listed = api.patch(f"/org/teams/{data_team.pk}", {"name": "Listed"}, headers={"If-Match": f'"other", {etag}'})
    star = api.patch(f"/org/teams/{data_team.pk}", {"name": "Star"}, headers={"If-Match": "*"})

    assert [weak.status_code, listed.status_code, star.status_code] == [412, 200, 200]


def test_a_delete_with_a_stale_if_match_keeps_the_resource(api, data_team):
    stale = _team(api, data_team)["ETag"]
    api.patch(f"/org/teams/{data_team.pk}", {"name": "Platform"})

    assert api.delete(f"/org/teams/{data_team.pk}", headers={"If-Match": stale}).status_code == 412
    assert Team.objects.filter(pk=data_team.pk).exists()

    current = _team(api, data_team)["ETag"]
    assert api.delete(f"/org/teams/{data_team.pk}", headers={"If-Match": current}).status_code == 204


def test_a_post_under_a_resource_is_checked_against_that_resource(api):
    account = api.post("/org/service-accounts", {"username": "ci-deploy"}).json()
    path = f"/org/service-accounts/{account['id']}"
    stale = api.get(path)["ETag"]
    api.patch(path, {"description": "Deploys from CI"})
    body = {"name": "deploy", "expiresAt": "2099-01-01T00:00:00Z"}

    refused = api.post(f"{path}/keys", body, headers={"If-Match": stale})
    assert refused.status_code == 412
    assert not ApiKey.objects.filter(service_account_id=account["id"]).exists()

    assert api.post(f"{path}/keys", body, headers={"If-Match": api.get(path)["ETag"]}).status_code == 201


def test_if_match_on_a_post_without_a_parent_resource_is_refused(api):
    response = api.post("/org/teams", {"name": "Platform"}, headers={"If-Match": "*"})

    assert response.status_code == 412
    assert not Team.objects.filter(name="Platform").exists()


def test_if_match_on_another_organizations_resource_is_a_404_not_a_412(api_as, charlie, globex, data_team):
    outsider = api_as(charlie, globex)

    response = outsider.patch(f"/org/teams/{data_team.pk}", {"name": "Mine"}, headers={"If-Match": "*"})

    assert response.status_code == 404
    data_team.refresh_from_db()
    assert data_team.name == "Data"


def test_a_console_session_gets_the_same_conditional_writes(owner_console, data_team):
    path = f"/api/v1/org/teams/{data_team.pk}"
    etag = owner_console.get(path)["ETag"]

    def patch(name: str, if_match: str):
        return owner_console.patch(path, json.dumps({"name": name}), "application/json", HTTP_IF_MATCH=if_match)

    assert [patch("Stale", '"stale"').status_code, patch("Fresh", etag).status_code] == [412, 200]
    data_team.refresh_from_db()
    assert data_team.name == "Fresh"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_patches_with_the_same_if_match_let_exactly_one_through(alice, acme, data_team):
    etag = _team(ApiClient().as_(alice, acme), data_team)["ETag"]
    clients = [ApiClient().as_(alice, acme) for _ in range(2)]
    start = threading.Barrier(len(clients))
    statuses: list[int] = []

    def patch(client: ApiClient, name: str) -> None:
        try:
            start.wait()
            response = client.patch(f"/org/teams/{data_team.pk}", {"name": name}, headers={"If-Match": etag})
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=patch, args=(c, f"Team {i}")) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 412]
