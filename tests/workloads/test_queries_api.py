"""Saved queries: /workloads/queries, their teams, /me/queries and /workloads/teams/{team}/queries."""

import pytest

from apps.workloads.models import Query
from apps.workloads.services.catalogs import catalog_create
from apps.workloads.services.jobs import job_create
from apps.workloads.services.queries import query_create


@pytest.fixture
def catalog(author, team):
    return catalog_create(principal=author, name="Sales", provider="memory", config_write={}, team_ids=[team.pk])


@pytest.fixture
def query(author, team, catalog):
    return query_create(
        principal=author,
        values={
            "name": "Daily Sales Summary",
            "queryText": "SELECT region, SUM(amount) FROM sales GROUP BY region",
            "catalogId": catalog.pk,
            "catalog_schema": "analytics",
            "tags": ["etl", "sales"],
        },
        team_ids=[team.pk],
    )


def test_it_creates_a_query(api, team, catalog, member_of):
    body = {
        "name": "Top customers",
        "description": "Weekly",
        "catalog_schema": "analytics",
        "catalogId": catalog.pk,
        "queryText": "SELECT * FROM customers ORDER BY revenue DESC LIMIT 10",
        "tags": ["crm", " crm ", "weekly"],
        "teamIds": [team.pk],
    }
    response = api.post("/workloads/queries", body)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["catalog_schema"] == "analytics" and created["catalogId"] == catalog.pk
    assert created["tags"] == ["crm", "weekly"]
    assert created["memberId"] == member_of.pk
    assert Query.objects.get(pk=created["id"]).team_ids == [team.pk]


@pytest.mark.parametrize(
    ("body", "field_errors"),
    [
        ({"name": "Q", "queryText": "-- nothing\n;"}, {"queryText": "No SQL statement."}),
        (
            {"name": "Q", "queryText": "SELECT 1", "catalogId": "NOSUCH"},
            {"catalogId": "No catalog you can see has this id."},
        ),
        ({"name": "  ", "queryText": "SELECT 1"}, {"name": "This field may not be blank."}),
        ({"name": "Q"}, {"queryText": "This field is required."}),
    ],
)
def test_it_names_the_field_that_is_not_valid(api, body, field_errors):
    response = api.post("/workloads/queries", body)
    assert response.status_code == 400
    assert response.json()["details"]["fieldErrors"] == field_errors


def test_describe_shows_the_catalog_the_teams_and_the_jobs_that_run_it(api, query, author, team, cluster, catalog):
    job = job_create(
        principal=author,
        job_key="sales",
        team_ids=[team.pk],
        fields={"clusterId": cluster.pk, "config": {"sql": {"queryId": query.pk}}},
    )
    body = api.get(f"/workloads/queries/{query.pk}").json()
    assert body["item"] == {"queryId": query.pk, "teamIds": [team.pk], "catalogId": catalog.pk, "jobIds": [job.pk]}
    assert [j["id"] for j in body["included"]["jobs"]] == [job.pk]
    assert [c["id"] for c in body["included"]["catalogs"]] == [catalog.pk]
    assert body["included"]["teams"][0]["memberCount"] == 0


def test_a_query_that_a_job_runs_cannot_be_deleted(api, query, author, team, cluster):
    job_create(
        principal=author,
        job_key="sales",
        team_ids=[team.pk],
        fields={"clusterId": cluster.pk, "config": {"sql": {"queryId": query.pk}}},
    )
    response = api.delete(f"/workloads/queries/{query.pk}")
    assert response.status_code == 409
    assert response.json()["code"] == "query_in_use"
    assert Query.objects.filter(pk=query.pk).exists()


def test_update_changes_only_what_it_names(api, query):
    response = api.patch(f"/workloads/queries/{query.pk}", {"queryText": "SELECT 2", "catalogId": None})
    assert response.status_code == 200, response.json()
    assert (response.json()["queryText"], response.json()["catalogId"]) == ("SELECT 2", None)
    assert response.json()["name"] == "Daily Sales Summary"


def test_lists_page_and_sort(api, query, author, team):
    query_create(principal=author, values={"name": "Another", "queryText": "SELECT 1"}, team_ids=[])
    assert api.get("/workloads/queries", max_queries=14).json()["total"] == 2
    names = [q["name"] for q in api.get("/me/queries?sortBy=name").json()["included"]["queries"]]
    assert names == ["Another", "Daily Sales Summary"]
    team_body = api.get(f"/workloads/teams/{team.pk}/queries").json()
    assert [i["queryId"] for i in team_body["items"]] == [query.pk]


def test_teams_of_a_query(api, query, team, author):
    from apps.org.services.teams import team_create

    ops = team_create(principal=author, name="Ops")
    assert api.post(f"/workloads/queries/{query.pk}/teams", {"teamIds": [ops.pk]}).status_code == 201
    listed = api.get(f"/workloads/queries/{query.pk}/teams").json()
    assert listed["total"] == 2 and {t["team"]["name"] for t in listed["items"]} == {"Data", "Ops"}
    assert api.delete(f"/workloads/queries/{query.pk}/teams/{team.pk}").status_code == 204
    assert Query.objects.get(pk=query.pk).team_ids == [ops.pk]


def test_another_organization_gets_404(api_as, charlie, globex, query):
    stranger = api_as(charlie, globex)
    for method, path in [("get", ""), ("patch", ""), ("delete", ""), ("get", "/teams"), ("post", "/validate")]:
        assert getattr(stranger, method)(f"/workloads/queries/{query.pk}{path}").status_code == 404


def test_a_viewer_cannot_change_a_query(api_as, acme, query, viewer_in_team):
    refused = api_as(viewer_in_team, acme).patch(f"/workloads/queries/{query.pk}", {"name": "Mine"})
    assert refused.status_code == 403
    assert refused.json()["details"]["causedBy"] == "CanManageQueries"
