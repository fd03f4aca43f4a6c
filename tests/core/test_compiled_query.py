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


@pytest.mark.django_db
def test_compiled_objects_are_the_models_with_what_select_related_joined(acme):
    query = CompiledQuery(
        lambda *, org_id: Team.objects.select_related("organization").filter(organization_id=org_id).order_by("name"),
        "org_id",
    )
    Team.objects.create(organization=acme, name="B")
    Team.objects.create(organization=acme, name="A")
    teams = query.objects(org_id=acme.pk)
    expected = list(Team.objects.filter(organization=acme).order_by("name"))
    assert teams == expected
    assert [t.created_at for t in teams] == [t.created_at for t in expected]
    assert all(t._state.db == "default" and not t._state.adding for t in teams)
    assert Team.organization.is_cached(teams[0]) and teams[0].organization.name == acme.name
    assert query.objects(org_id="nobody") == []


def teams_among(*, org_id, ids):
    return (
        Team.objects.filter(organization_id=org_id, pk__any=ids)
        .order_by("name", "id")
        .values_list("id", "name", "created_at", named=True)
    )


@pytest.mark.django_db
def test_a_list_name_takes_any_list_and_named_rows_are_named(acme, globex):
    query = CompiledQuery(teams_among, "org_id", "ids", lists=("ids",))
    teams = [Team.objects.create(organization=acme, name=name) for name in ("C", "A", "B")]
    elsewhere = Team.objects.create(organization=globex, name="Z")
    for ids in ([teams[0].pk], [t.pk for t in teams], [teams[1].pk, elsewhere.pk], ["nobody"]):
        expected = list(teams_among(org_id=acme.pk, ids=ids))
        named = query.named_rows(org_id=acme.pk, ids=ids)
        assert named == expected and query.rows(org_id=acme.pk, ids=ids) == [tuple(row) for row in expected]
        assert [row.name for row in named] == [row.name for row in expected]
    assert [row.name for row in query.named_rows(org_id=acme.pk, ids=[t.pk for t in teams])] == ["A", "B", "C"]
