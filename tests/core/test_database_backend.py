"""Timestamps come back exact and in UTC, whichever loader reads them (psycopg's C one on PostgreSQL)."""

import datetime as dt

import pytest
from django.db import connection
from psycopg import adapters

from apps.org.models import Team


@pytest.mark.django_db
def test_timestamps_come_back_exact_and_in_utc(acme):
    team = Team.objects.create(organization=acme, name="Stamped")
    written = dt.datetime(2026, 3, 8, 7, 30, 0, 123456, tzinfo=dt.UTC)
    whole = dt.datetime(2026, 11, 1, 6, 0, tzinfo=dt.UTC)
    Team.objects.filter(pk=team.pk).update(created_at=written, updated_at=whole)
    created, updated = Team.objects.values_list("created_at", "updated_at").get(pk=team.pk)
    assert (created, updated) == (written, whole)
    assert created.tzinfo is dt.UTC and updated.tzinfo is dt.UTC
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            assert cursor.cursor.adapters.get_loader(1184, 0) is adapters.get_loader(1184, 0)


@pytest.mark.django_db
def test_queries_compiled_once_are_prepared_after_a_few_runs_and_others_never(acme):
    from apps.core.compiled import CompiledQuery

    if connection.vendor != "postgresql":
        # A PostgreSQL feature (`apps.core.db.postgresql`): SQLite has no server-side statements to prepare, and CI
        # runs this test on PostgreSQL.
        pytest.skip("prepared statements on the server: PostgreSQL only")
    query = CompiledQuery(lambda *, org_id: Team.objects.filter(organization_id=org_id).values_list("id"), "org_id")
    Team.objects.create(organization=acme, name="Prepared")

    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            return cursor.fetchone()[0]

    before = prepared()
    for _ in range(10):
        assert len(query.rows(org_id=acme.pk)) == 1
        list(Team.objects.filter(organization=acme).values_list("name"))  # Django's own query: bound on the client
    assert prepared() == before + 1
