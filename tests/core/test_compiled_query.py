"""A query compiled once answers like the QuerySet it was built from, for any values."""

import pytest

from apps.core.compiled import CompiledQuery
from apps.org.models import Team


def teams_named(*, org_id, name):
    return Team.objects.filter(organization_id=org_id, name=name).order_by("id").values_list("id", "name")


@pytest.mark.django_db
def test_a_compiled_query_equals_its_queryset_for_other_values(acme):
    query = CompiledQuery(teams_named, "org_id", "name")
    first = Team.objects.create(organization=acme, name="One")
    Team.objects.create(organization=acme, name="Two")
    for name in ("One", "Two", "Nobody"):
        assert query.rows(org_id=acme.pk, name=name) == list(teams_named(org_id=acme.pk, name=name))
    assert query.rows(org_id=acme.pk, name="One") == [(first.pk, "One")]


def test_every_name_must_reach_the_sql():
    query = CompiledQuery(
        lambda *, org_id, name: Team.objects.filter(organization_id=org_id).values_list("id"), "org_id", "name"
    )
    with pytest.raises(ValueError, match="not every name"):
        query.rows(org_id="x", name="y")
