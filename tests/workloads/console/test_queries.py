"""Saved-query pages: list, the SQL editor (validated on a real Sail server, problems at their line), used-by jobs,
and delete refused while a job runs the query."""

import pytest

from apps.workloads.models import Query
from apps.workloads.services.jobs import job_create
from apps.workloads.services.queries import query_create
from apps.workloads.sql_validation import stop_warm_servers
from tests.workloads.console.conftest import HTMX

pytestmark = pytest.mark.django_db


def test_the_list_searches_and_keeps_its_query_count(
    alice_console, author, team, saved_query, django_assert_max_num_queries
):
    for i in range(30):
        query_create(principal=author, values={"name": f"Report {i:02}", "queryText": "SELECT 2"}, team_ids=[team.pk])
    with django_assert_max_num_queries(9):
        html = alice_console.get("/workloads/queries/").content.decode()
    assert "31 queries · 1 to 25 shown" in html and "New query" in html and "sales" in html
    partial = alice_console.get("/workloads/queries/?q=daily", headers=HTMX).content.decode()
    assert "Daily totals" in partial and "Report 01" not in partial and "<html" not in partial


def test_the_editor_is_a_textarea_that_script_upgrades(alice_console, saved_query):
    html = alice_console.get(f"/workloads/queries/{saved_query.pk}/").content.decode()
    assert 'data-code-editor="sql"' in html and "SELECT 1 AS one</textarea>" in html
    assert "/static/vendor/codemirror/codemirror.min.js" in html and "/static/js/workloads-editor.js" in html
    assert "No job you can see runs it." in html


def test_creating_and_editing_a_query_with_errors_on_the_form(alice_console, team):
    refused = alice_console.post("/workloads/queries/new", {"name": "Empty", "query_text": " ; ", "teams": [team.pk]})
    assert refused.status_code == 200 and "No SQL statement." in refused.content.decode()
    form = {"name": "Orders", "query_text": "SELECT 1", "tags": "a, b, a", "teams": [team.pk]}
    created = alice_console.post("/workloads/queries/new", form)
    query = Query.objects.get()
    assert created["Location"] == f"/workloads/queries/{query.pk}/" and query.tags == ["a", "b"]
    edited = alice_console.post(f"/workloads/queries/{query.pk}/", {**form, "name": "Orders v2", "catalog": ""})
    query.refresh_from_db()
    assert edited.status_code == 302 and query.name == "Orders v2"


def test_used_by_lists_the_jobs_and_delete_is_refused_naming_them(alice_console, author, team, cluster, saved_query):
    job_create(
        principal=author,
        job_key="nightly-totals",
        team_ids=[team.pk],
        fields={"clusterId": cluster.pk, "config": {"sql": {"queryId": saved_query.pk}}},
    )
    url = f"/workloads/queries/{saved_query.pk}/"
    html = alice_console.get(url).content.decode()
    assert "nightly-totals" in html and 'data-confirm="Delete the query Daily totals?"' in html
    refused = alice_console.post(f"{url}delete", HTTP_REFERER=f"http://testserver{url}", follow=True)
    assert "Jobs run this query: nightly-totals" in refused.content.decode()
    assert Query.objects.filter(pk=saved_query.pk).exists()


def test_delete_without_users(alice_console, saved_query):
    response = alice_console.post(f"/workloads/queries/{saved_query.pk}/delete")
    assert response.status_code == 302 and not Query.objects.exists()


def test_a_viewer_reads_the_query_but_cannot_save_it_and_another_org_gets_404(
    vera_console, charlie_console, saved_query
):
    html = vera_console.get(f"/workloads/queries/{saved_query.pk}/").content.decode()
    assert "<fieldset disabled" in html and "Delete query" not in html
    assert f"/workloads/queries/{saved_query.pk}/check" in html
    refused = vera_console.post(f"/workloads/queries/{saved_query.pk}/", {"name": "Mine", "query_text": "SELECT 2"})
    assert refused.status_code == 403
    assert Query.objects.get(pk=saved_query.pk).name == "Daily totals"
    assert charlie_console.get(f"/workloads/queries/{saved_query.pk}/").status_code == 404
    assert charlie_console.post(f"/workloads/queries/{saved_query.pk}/check", headers=HTMX).status_code == 404


@pytest.mark.integration
def test_validate_shows_sails_errors_at_their_line(alice_console):
    try:
        response = alice_console.post(
            "/workloads/queries/check", {"query_text": "SELECT 1;\nSELEC 2;\nSELECT * FROM missing_table"}, headers=HTMX
        )
        html = response.content.decode()
        assert response.status_code == 200 and "2 problems found on Sail." in html
        assert 'data-line="2" data-column="1"' in html and "syntax_error" in html
        assert 'data-line="3" data-column="1"' in html and "missing_table" in html
        valid = alice_console.post("/workloads/queries/check", {"query_text": "SELECT 1"}, headers=HTMX)
        assert "Valid:" in valid.content.decode() and "1 statement planned" in valid.content.decode()
    finally:
        stop_warm_servers()
