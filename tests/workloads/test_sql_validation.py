"""SQL validation against a real, warm Sail server: EXPLAIN each statement, structured errors, nothing executed."""

import pytest

from apps.infra.models import SailProcess
from apps.infra.providers.local.process import stop_process
from apps.infra.providers.local.sessions import connect, session_url
from apps.workloads.catalog_providers import sail_catalog_config
from apps.workloads.services.catalogs import catalog_create
from apps.workloads.services.queries import query_create
from apps.workloads.sql_validation import stop_warm_servers, validate_sql
from apps.workloads.sql_validation.warm import warm_server

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture(autouse=True)
def _warm_servers_stopped():
    yield
    stop_warm_servers()


@pytest.fixture
def scratch(author, team):
    return catalog_create(
        principal=author,
        name="Scratch",
        provider="memory",
        config_write={"initialDatabase": "analytics"},
        team_ids=[team.pk],
    )


def _problems(check) -> list[tuple]:
    return [(p.statement, p.line, p.column, p.code) for p in check.errors]


def test_it_checks_each_statement_and_places_errors_where_sail_found_them():
    text = "SELECT 1;\nSELECT a,\n  b\n FROMM t;\nSELECT * FROM missing_table;\nSELECT 1 +"
    check = validate_sql(text)
    assert not check.valid
    assert [(s.index, s.line, s.column, s.status) for s in check.statements] == [
        (0, 1, 1, "valid"),
        (1, 2, 1, "invalid"),
        (2, 5, 1, "invalid"),
        (3, 6, 1, "invalid"),
    ]
    assert _problems(check) == [(1, 4, 8, "syntax_error"), (2, 5, 1, "analysis_error"), (3, 6, 1, "syntax_error")]
    assert check.errors[0].message.startswith("found t at")
    assert "missing_table" in check.errors[1].message


def test_tables_an_earlier_statement_creates_are_warnings_and_nothing_is_executed(scratch):
    text = (
        "CREATE TABLE analytics.daily (region STRING, amount INT) USING parquet;\n"
        "INSERT INTO analytics.daily VALUES ('eu', 1);\n"
        "SELECT region, SUM(amount) FROM analytics.daily GROUP BY region"
    )
    check = validate_sql(text, catalog=scratch)
    assert check.valid, check.errors
    assert [s.status for s in check.statements] == ["valid", "unchecked", "unchecked"]
    assert [(w.statement, w.code) for w in check.warnings] == [(1, "created_earlier"), (2, "created_earlier")]
    server = warm_server(sail_catalog_config([scratch]))
    spark = connect(session_url(host=server.host, port=server.port))
    try:
        assert spark.sql("SHOW TABLES IN analytics").collect() == []  # EXPLAIN created nothing
    finally:
        spark.stop()


def test_the_catalog_and_schema_are_the_ones_statements_resolve_in(scratch):
    assert validate_sql("SELECT current_database()", catalog=scratch, database="analytics").valid
    unknown = validate_sql("SELECT 1", catalog=scratch, database="nope")
    assert [(p.statement, p.code) for p in unknown.errors] == [(None, "unknown_database")]
    in_session = validate_sql("USE DATABASE analytics;\nCREATE TABLE t (a INT) USING parquet;\nSELECT a FROM t")
    assert [(p.statement, p.code) for p in in_session.errors] == [(0, "analysis_error")]  # Sail's own catalog


def test_one_warm_server_per_configuration_is_reused_and_replaced_when_gone(scratch):
    validate_sql("SELECT 1", catalog=scratch)
    server = warm_server(sail_catalog_config([scratch]))
    validate_sql("SELECT 2", catalog=scratch)
    assert warm_server(sail_catalog_config([scratch])) == server
    assert SailProcess.objects.get(pk=server.process_id).purpose == "SQL validation (EXPLAIN only)"
    stop_process(server.ref, grace_seconds=2)
    assert validate_sql("SELECT 3", catalog=scratch).valid
    assert warm_server(sail_catalog_config([scratch])).process_id != server.process_id


def test_the_api_validates_unsaved_sql_and_saved_queries(api, scratch, author, team):
    response = api.post(
        "/workloads/queries/validate",
        {"queryText": "SELECT 1;\nSELEC 2", "catalogId": scratch.pk, "catalog_schema": "analytics"},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["valid"] is False
    assert body["errors"] == [
        {"statementIndex": 1, "line": 2, "column": 1, "code": "syntax_error", "message": body["errors"][0]["message"]}
    ]
    assert body["statements"][0] == {"index": 0, "line": 1, "column": 1, "status": "valid"}
    query = query_create(
        principal=author,
        values={"name": "Q", "queryText": "SELECT 42", "catalogId": scratch.pk, "catalog_schema": "analytics"},
        team_ids=[team.pk],
    )
    saved = api.post(f"/workloads/queries/{query.pk}/validate")
    assert saved.status_code == 200
    assert saved.json() == {
        "valid": True,
        "statements": [{"index": 0, "line": 1, "column": 1, "status": "valid"}],
        "errors": [],
        "warnings": [],
    }


def test_the_api_refuses_unknown_catalogs_and_viewers(api, api_as, acme, viewer_in_team, scratch):
    unknown = api.post("/workloads/queries/validate", {"queryText": "SELECT 1", "catalogId": "NOSUCHCATALOG"})
    assert unknown.json()["details"]["fieldErrors"] == {"catalogId": "No catalog you can see has this id."}
    empty = api.post("/workloads/queries/validate", {"queryText": "-- nothing"}).json()
    assert (empty["valid"], empty["errors"][0]["code"]) == (False, "no_statements")
    refused = api_as(viewer_in_team, acme).post("/workloads/queries/validate", {"queryText": "SELECT 1"})
    assert (refused.status_code, refused.json()["details"]["causedBy"]) == (403, "CanManageQueries")
