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
