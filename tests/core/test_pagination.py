import base64
import json

import pytest
from django.db.models import F, Func

from apps.core.api.pagination import (
    KeysetPages,
    NumberedPages,
    PageOptions,
    counter_total,
    marker_page,
    numbered_page,
)
from apps.core.errors import InvalidInput
from apps.org.models import Organization

OPTIONS = PageOptions(sort_fields={"name": ("name",), "slug": ("slug",)}, default_sort="name", search_fields=("name",))


@pytest.fixture
def orgs(db):
    return [Organization.objects.create(name=f"Org {i:02d}", slug=f"org-{i:02d}") for i in range(25)]


def test_marker_pages_walk_the_whole_list_once(orgs):
    queryset = Organization.objects.order_by("name")
    seen, marker = [], None
    while True:
        page = marker_page(queryset, {"limit": "10", **({"marker": marker} if marker else {})})
        seen += [o.name for o in page.objects]
        marker = page.marker
        if not marker:
            break
    assert seen == sorted(o.name for o in orgs)


def test_the_last_marker_page_has_no_marker(orgs):
    page = marker_page(Organization.objects.order_by("name"), {"limit": "100"})
    assert len(page.objects) == 25
    assert page.marker is None


def test_marker_pages_are_exact_on_ties_and_descending_order(db):
    for i in range(7):
        Organization.objects.create(name="Same", slug=f"same-{i}")
    queryset = Organization.objects.order_by("-name")
    first = marker_page(queryset, {"limit": "4"})
    second = marker_page(queryset, {"limit": "4", "marker": first.marker})
    ids = [o.pk for o in first.objects + second.objects]
    assert len(ids) == len(set(ids)) == 7


def test_marker_pagination_can_report_a_total(orgs):
    page = marker_page(Organization.objects.order_by("name"), {"limit": "5"}, with_total=True)
    assert page.total == 25 and len(page.objects) == 5 and page.marker


def test_marker_pagination_refuses_unordered_querysets(orgs):
    with pytest.raises(TypeError):
        marker_page(Organization.objects.order_by(), {})


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "101"}, "limit"),
        ({"limit": "-1"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"marker": "garbage!!"}, "marker"),
        ({"marker": "WyJ4Il0"}, "marker"),  # a valid encoding of the wrong size
    ],
)
def test_bad_marker_parameters_are_invalid_input(orgs, params, field):
    with pytest.raises(InvalidInput) as info:
        marker_page(Organization.objects.order_by("name"), params)
    assert field in info.value.field_errors


def test_page_pagination_sorts_searches_and_counts(orgs):
    page = numbered_page(
        Organization.objects.all(), {"page": "2", "limit": "3", "sortDirection": "desc", "search": "org 1"}, OPTIONS
    )
    assert page.total == 10
    assert [o.name for o in page.objects] == ["Org 16", "Org 15", "Org 14"]


def test_page_pagination_with_limit_zero_only_counts(orgs):
    page = numbered_page(Organization.objects.all(), {"limit": "0"}, OPTIONS)
    assert page.total == 25 and page.objects == []


@pytest.mark.parametrize(
    ("params", "field"),
    [({"page": "0"}, "page"), ({"sortBy": "createdAt"}, "sortBy"), ({"sortDirection": "up"}, "sortDirection")],
)
def test_bad_page_parameters_are_invalid_input(orgs, params, field):
    with pytest.raises(InvalidInput) as info:
        numbered_page(Organization.objects.all(), params, OPTIONS)
    assert field in info.value.field_errors


def _named(*, excluded):
    rows = Organization.objects.exclude(slug=excluded).order_by("-created_at", "id")
    return rows.values_list("id", "name", "created_at", named=True)


@pytest.mark.parametrize("limit", ["1", "3", "100"])
def test_compiled_keyset_pages_are_the_marker_pages(db, limit):
    """On ties of a datetime key and in both directions (`-created_at`, then `id`), page after page."""
    made = [Organization.objects.create(name=f"Org {i}", slug=f"tie-{i}") for i in range(7)]
    Organization.objects.create(name="Elsewhere", slug="other")
    at = made[0].created_at
    Organization.objects.filter(pk__in=[o.pk for o in made[2:5]]).update(created_at=at)  # three rows on one instant
    pages = KeysetPages(_named, "excluded")
    marker, walked = None, []
    while True:
        params = {"limit": limit, **({"marker": marker} if marker else {})}
        compiled, plain = pages.page(params, excluded="other"), marker_page(_named(excluded="other"), params)
        assert (compiled.objects, compiled.marker) == (plain.objects, plain.marker)
        walked += [row.id for row in compiled.objects]
        if not (marker := compiled.marker):
            break
    assert sorted(walked) == sorted(o.pk for o in made) and len(walked) == 7


@pytest.mark.parametrize("values", [["not a time", "x"], ["2026-01-01T00:00:00+00:00"], "x"])
def test_a_compiled_keyset_page_refuses_a_marker_it_did_not_give(db, values):
    marker = base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")
    with pytest.raises(InvalidInput) as caught:
        KeysetPages(_named, "excluded").page({"marker": marker}, excluded="other")
    assert caught.value.field_errors == {"marker": "Unknown marker."}


def _others(*, excluded):
    return Organization.objects.exclude(slug=excluded)


def _count_others(*, excluded):
    """A one-value query of the list's size (as a counter table gives one)."""
    return Organization.objects.exclude(slug=excluded).order_by().values_list(Func(F("id"), function="COUNT"))


def _total_others(*, excluded):
    return counter_total(_count_others(excluded=excluded))


def test_compiled_numbered_pages_are_the_numbered_pages(orgs):
    Organization.objects.create(name="Org 03", slug="same-name")  # a tie on the name: the id decides
    Organization.objects.create(name="Elsewhere", slug="other")
    by_id = {o.pk: o for o in Organization.objects.all()}
    pages = NumberedPages(
        _others, "excluded", options=OPTIONS, rows=lambda ids: [by_id[pk] for pk in ids], total=_total_others
    )
    for sort in ("name", "slug"):
        for direction in ("asc", "desc"):
            for number in (1, 2, 3, 4, 5):
                params = {"limit": "7", "page": str(number), "sortBy": sort, "sortDirection": direction}
                compiled = pages.page(params, excluded="other")
                plain = numbered_page(_others(excluded="other"), params, OPTIONS, total=_count_others(excluded="other"))
                if number == 5:  # past the end (26 rows): numbered_page counts the list
                    assert compiled is None and plain.objects == [] and plain.total == 26
                    continue
                assert [o.pk for o in compiled.objects] == [o.pk for o in plain.objects]
                assert compiled.total == plain.total == 26
    assert pages.page({"search": "Org 0"}, excluded="other") is None
    assert pages.page({"limit": "0"}, excluded="other") is None
    with pytest.raises(InvalidInput):
        pages.page({"sortBy": "nope"}, excluded="other")


def test_compiled_keyset_pages_carry_the_total_their_query_reads(db):
    made = [Organization.objects.create(name=f"Org {i}", slug=f"t-{i}") for i in range(5)]
    Organization.objects.create(name="Elsewhere", slug="other")
    pages = KeysetPages(_named, "excluded", total=_total_others)
    first = pages.page({"limit": "3"}, excluded="other")
    second = pages.page({"limit": "3", "marker": first.marker}, excluded="other")
    assert (first.total, second.total, second.marker) == (5, 5, None)
    assert sorted(row.id for row in first.objects + second.objects) == sorted(o.pk for o in made)
    assert [row.name for row in first.objects] == [
        row.name for row in marker_page(_named(excluded="other"), {"limit": "3"}).objects
    ]
    assert pages.page({"limit": "3"}, excluded="nothing excluded").total == 6
    Organization.objects.all().delete()
    assert pages.page({"limit": "3"}, excluded="other").total is None  # no row to carry it
