"""Catalogs: /workloads/catalogs, their teams, /me/catalogs and /workloads/teams/{team}/catalogs."""

import pytest
from django.db import connection

from apps.core.audit import AuditEvent
from apps.workloads.models import Catalog, Query
from apps.workloads.services.catalogs import catalog_create
from apps.workloads.services.queries import query_create

ICEBERG = {
    "name": "Lakehouse",
    "provider": "iceberg-rest",
    "configWrite": {"uri": "https://catalog.example.com", "warehouse": "s3://data", "bearerAccessToken": "t0ps3cret"},
}


@pytest.fixture
def memory_catalog(author, team):
    return catalog_create(
        principal=author,
        name="Scratch",
        provider="memory",
        config_write={"initialDatabase": "analytics", "initialDatabaseComment": "Scratch space"},
        team_ids=[team.pk],
    )


def test_it_creates_a_catalog_and_never_shows_its_secret(api, team):
    response = api.post("/workloads/catalogs", {**ICEBERG, "teamIds": [team.pk]})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["provider"] == "iceberg-rest"
    assert body["config"] == {
        "initialDatabase": None,
        "initialDatabaseComment": None,
        "uri": "https://catalog.example.com",
        "warehouse": "s3://data",
        "prefix": None,
        "oauthAccessTokenConfigured": False,
        "bearerAccessTokenConfigured": True,
    }
    described = api.get(f"/workloads/catalogs/{body['id']}").json()
    assert described["configWrite"] is None
    assert "t0ps3cret" not in str(described)
    catalog = Catalog.objects.get(pk=body["id"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT secrets FROM workloads_catalog WHERE id = %s", [catalog.pk])
        stored = cursor.fetchone()[0]
    assert stored and "t0ps3cret" not in stored  # encrypted at rest
    assert catalog.team_ids == [team.pk]
    assert AuditEvent.objects.filter(action="catalog.create", target_id=catalog.pk).exists()


def test_a_second_catalog_of_the_same_name_is_a_conflict(api, memory_catalog):
    response = api.post("/workloads/catalogs", {"name": "scratch", "provider": "memory"})
    assert response.status_code == 409
    assert response.json()["code"] == "catalog_exists"


@pytest.mark.parametrize(
    ("body", "field_errors"),
    [
        ({"name": "x", "provider": "oracle"}, {"provider": "One of: memory, glue, iceberg-rest, unity, onelake, hms."}),
        ({"name": "x", "provider": "iceberg-rest"}, {"configWrite.uri": "Required for iceberg-rest catalogs."}),
        (
            {"name": "x", "provider": "glue", "configWrite": {"uri": "https://a.example"}},
            {"configWrite.uri": "Not an option of glue catalogs (they take: initialDatabase, region, endpointUrl)."},
        ),
        (
            {"name": "x", "provider": "onelake", "configWrite": {"url": "ws/item.Lakehouse", "api": "odbc"}},
            {"configWrite.api": "One of: iceberg, delta."},
        ),
        (
            {"name": "x", "provider": "hms", "configWrite": {"uris": []}},
            {"configWrite.uris": "A non-empty list of text values."},
        ),
    ],
)
def test_it_names_the_option_that_is_not_valid(api, body, field_errors):
    response = api.post("/workloads/catalogs", body)
    assert response.status_code == 400, response.json()
    assert response.json()["details"]["fieldErrors"] == field_errors


def test_a_catalog_url_on_a_private_address_is_refused(api, settings):
    settings.OUTBOUND_HTTP_ALLOWED_NETWORKS = []
    response = api.post(
        "/workloads/catalogs",
        {"name": "x", "provider": "iceberg-rest", "configWrite": {"uri": "http://169.254.169.254"}},
    )
    assert response.status_code == 400
    assert "configWrite.uri" in response.json()["details"]["fieldErrors"]


def test_an_update_is_a_merge_patch_of_the_options(api, team):
    created = api.post("/workloads/catalogs", {**ICEBERG, "teamIds": [team.pk]}).json()
    response = api.patch(
        f"/workloads/catalogs/{created['id']}",
        {"name": "Lake", "configWrite": {"warehouse": None, "prefix": "v1"}},
    )
    assert response.status_code == 200, response.json()
    config = response.json()["config"]
    assert response.json()["name"] == "Lake"
    assert (config["warehouse"], config["prefix"], config["uri"]) == (None, "v1", "https://catalog.example.com")
    assert config["bearerAccessTokenConfigured"] is True  # left out: kept


def test_lists_show_items_with_their_teams_once(api, memory_catalog, team, author):
    catalog_create(principal=author, name="Other", provider="memory", config_write={}, team_ids=[team.pk])
    body = api.get("/workloads/catalogs?limit=1", max_queries=14).json()
    assert body["total"] == 2 and len(body["items"]) == 1 and body["marker"]
    assert body["items"][0] == {
        "catalogId": body["included"]["catalogs"][0]["id"],
        "teamIds": [team.pk],
        "externalCatalogIds": [],
    }
    assert [t["team"]["id"] for t in body["included"]["teams"]] == [team.pk]
    assert body["included"]["externalCatalogs"] == []
    second = api.get(f"/workloads/catalogs?limit=1&marker={body['marker']}").json()
    assert "marker" not in second and second["items"][0]["catalogId"] != body["items"][0]["catalogId"]


def test_my_catalogs_page_and_sort(api, memory_catalog, author):
    catalog_create(principal=author, name="Alpha", provider="memory", config_write={}, team_ids=[])
    names = [c["name"] for c in api.get("/me/catalogs?sortBy=name&sortDirection=desc").json()["included"]["catalogs"]]
    assert names == ["Scratch", "Alpha"]
    assert api.get("/me/catalogs?sortBy=size").status_code == 400


def test_team_catalogs_lists_the_catalogs_shared_with_the_team(api, memory_catalog, team, author):
    catalog_create(principal=author, name="Unshared", provider="memory", config_write={}, team_ids=[])
    body = api.get(f"/workloads/teams/{team.pk}/catalogs").json()
    assert [i["catalogId"] for i in body["items"]] == [memory_catalog.pk]


def test_teams_are_added_listed_and_removed(api, memory_catalog, author):
    from apps.org.services.teams import team_create

    ops = team_create(principal=author, name="Ops")
    added = api.post(f"/workloads/catalogs/{memory_catalog.pk}/teams", {"teamIds": [ops.pk, ops.pk]})
    assert added.status_code == 201
    assert [link["teamId"] for link in added.json()["items"]] == [ops.pk]
    assert len(api.get(f"/workloads/catalogs/{memory_catalog.pk}/teams").json()["items"]) == 2
    assert api.delete(f"/workloads/catalogs/{memory_catalog.pk}/teams/{ops.pk}").status_code == 204
    assert api.delete(f"/workloads/catalogs/{memory_catalog.pk}/teams/{ops.pk}").status_code == 404
    unknown = api.post(f"/workloads/catalogs/{memory_catalog.pk}/teams", {"teamIds": ["NOSUCHTEAM"]})
    assert unknown.json()["details"]["fieldErrors"] == {"teamIds": "Unknown teams: NOSUCHTEAM."}


def test_deleting_a_catalog_leaves_its_queries_without_one(api, memory_catalog, author):
    query = query_create(
        principal=author, values={"name": "Q", "queryText": "SELECT 1", "catalogId": memory_catalog.pk}, team_ids=[]
    )
    assert api.delete(f"/workloads/catalogs/{memory_catalog.pk}").status_code == 204
    assert Query.objects.get(pk=query.pk).catalog_id is None
    assert api.get(f"/workloads/catalogs/{memory_catalog.pk}").status_code == 404


def test_queries_that_use_a_catalog(api, memory_catalog, author):
    used = query_create(
        principal=author, values={"name": "Q", "queryText": "SELECT 1", "catalogId": memory_catalog.pk}, team_ids=[]
    )
    query_create(principal=author, values={"name": "Other", "queryText": "SELECT 2"}, team_ids=[])
    body = api.get(f"/workloads/catalogs/{memory_catalog.pk}/queries").json()
    assert [i["queryId"] for i in body["items"]] == [used.pk]
    assert [c["id"] for c in body["included"]["catalogs"]] == [memory_catalog.pk]


def test_another_organization_sees_nothing_and_changes_nothing(api_as, charlie, globex, memory_catalog):
    stranger = api_as(charlie, globex)
    assert stranger.get(f"/workloads/catalogs/{memory_catalog.pk}").status_code == 404
    assert stranger.patch(f"/workloads/catalogs/{memory_catalog.pk}", {"name": "Mine"}).status_code == 404
    assert stranger.delete(f"/workloads/catalogs/{memory_catalog.pk}").status_code == 404
    assert stranger.get("/workloads/catalogs").json()["total"] == 0
    assert Catalog.objects.get(pk=memory_catalog.pk).name == "Scratch"


def test_a_team_viewer_sees_the_catalog_but_cannot_change_it(api_as, acme, memory_catalog, team, viewer_in_team):
    as_viewer = api_as(viewer_in_team, acme)
    assert as_viewer.get(f"/workloads/catalogs/{memory_catalog.pk}").status_code == 200
    refused = as_viewer.patch(f"/workloads/catalogs/{memory_catalog.pk}", {"name": "Mine"})
    assert refused.status_code == 403
    assert refused.json()["details"]["causedBy"] == "CanManageCatalogs"
    body = {"name": "B", "provider": "memory", "teamIds": [team.pk]}
    assert as_viewer.post("/workloads/catalogs", body).status_code == 403


def test_a_member_authors_catalogs_in_their_own_teams_only(api_as, acme, bob, team, author, member_of_team):
    from apps.org.services.teams import team_create

    other = team_create(principal=author, name="Elsewhere")
    member_of_team(bob, team)
    as_bob = api_as(bob, acme)
    assert (
        as_bob.post("/workloads/catalogs", {"name": "B", "provider": "memory", "teamIds": [team.pk]}).status_code == 201
    )
    refused = as_bob.post("/workloads/catalogs", {"name": "C", "provider": "memory", "teamIds": [team.pk, other.pk]})
    assert refused.status_code == 403
    assert as_bob.post("/workloads/catalogs", {"name": "D", "provider": "memory"}).status_code == 403
