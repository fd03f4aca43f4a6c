"""What the workloads views share: tags, list parameters, and the list bodies."""

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.pagination import Page, PageOptions, Rows, list_body, marker_page, numbered_page
from apps.core.principal import Principal

TAGS = ["workloads"]
MARKER_PARAMS = [
    OpenApiParameter("limit", int, description="0..100, default 100"),
    OpenApiParameter("marker", str, description="The pagination token returned by the previous page"),
]

Items = Callable[[Principal, Sequence[Any]], tuple[list[dict[str, Any]], dict[str, Any]]]


def page_params(options: PageOptions) -> list[OpenApiParameter]:
    return [
        OpenApiParameter("limit", int, description="0..100, default 100"),
        OpenApiParameter("page", int, description="1-based page number"),
        OpenApiParameter("sortBy", str, enum=list(options.sort_fields), default=options.default_sort),
        OpenApiParameter("sortDirection", str, enum=["asc", "desc"], default=options.default_direction),
    ]


def page_response(principal: Principal, page: Page, items: Items) -> Response:
    wire, included = items(principal, page.objects)
    return Response(list_body(page, wire, included=included))


def marker_list(
    principal: Principal,
    request: Request,
    queryset: QuerySet,
    items: Items,
    *,
    counted: QuerySet | None = None,
) -> Response:
    """A keyset page with the total: `{total, items, included, marker}`; the total counts `counted` (the same list
    without what its items show, when that costs the count) if given, else the list."""
    page = marker_page(queryset, request.query_params, with_total=counted is None)
    if counted is not None:
        page.total = counted.count()
    return page_response(principal, page, items)


def numbered_list(
    principal: Principal,
    request: Request,
    queryset: QuerySet,
    items: Items,
    options: PageOptions,
    *,
    rows: Rows | None = None,
    total: QuerySet | None = None,
) -> Response:
    """A numbered page (`/me` lists): `{total, items, included}`; with `rows`, the page's ids and total come from
    `queryset` and its rows from `rows`; with `total`, the total is read (see `numbered_page`)."""
    page = numbered_page(queryset, request.query_params, options, rows=rows, total=total)
    return page_response(principal, page, items)


def described(principal: Principal, obj: Any, items: Items) -> Response:
    wire, included = items(principal, [obj])
    return Response({"item": wire[0], "included": included})
