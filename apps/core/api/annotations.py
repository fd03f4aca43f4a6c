"""What a list shows about each row, computed for the rows of the page only.

A count or a flag that joins the list to another table (`annotate(Count("links"))`) makes the database group the
whole list before it can count, sort or skip a single row; as a correlated subquery it is evaluated once per row
of the page, from an index, and counting the list (`pagination.total_of`) never computes it.
"""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce


def related_count(queryset: QuerySet, key: str) -> Coalesce:
    """How many rows of `queryset` point at the outer row through `key` (a foreign key's column name)."""
    counted = queryset.filter(**{key: OuterRef("pk")}).order_by().values(key).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
