"""Numbered pages: the total comes with the page's ids (one round trip), whatever the queryset."""

from django.db.models import Value

from apps.core.api.pagination import PageOptions, numbered_page, total_of
from apps.org.models import Member, Organization, Team, TeamMember

OPTIONS = PageOptions(sort_fields={"name": ("name",)}, default_sort="name")


def test_a_page_is_two_queries_with_its_total(db, django_assert_num_queries):
    for i in range(12):
        Organization.objects.create(name=f"Org {i:02d}", slug=f"org-{i:02d}")
    with django_assert_num_queries(2):  # ids with the total, then the rows
        page = numbered_page(Organization.objects.all(), {"limit": "5", "page": "3"}, OPTIONS)
    assert page.total == 12 and [o.name for o in page.objects] == ["Org 10", "Org 11"]


def test_a_page_past_the_end_still_counts(db):
    for i in range(3):
        Organization.objects.create(name=f"Org {i}", slug=f"org-{i}")
    page = numbered_page(Organization.objects.all(), {"limit": "2", "page": "5"}, OPTIONS)
    assert page.total == 3 and page.objects == []


def test_a_distinct_queryset_is_counted_once_per_row(acme, alice, bob):
    # Joining members to their team links would list Bob twice without DISTINCT: the total must say 2, not 3.
    first, second = (Team.objects.create(organization=acme, name=name) for name in ("First", "Second"))
    for team in (first, second):
        TeamMember.objects.create(team=team, member=Member.objects.get(user=bob))
    TeamMember.objects.create(team=second, member=Member.objects.get(user=alice))
    joined = Member.objects.filter(team_memberships__team__organization=acme).distinct()
    page = numbered_page(joined, {"limit": "1"}, OPTIONS)
    assert page.total == 2 and len(page.objects) == 1


def test_a_queryset_that_matches_nothing_counts_zero_without_sql(db):
    assert isinstance(total_of(Organization.objects.none()), Value)
    page = numbered_page(Organization.objects.filter(pk__in=[]), {}, OPTIONS)
    assert page.total == 0 and page.objects == []
