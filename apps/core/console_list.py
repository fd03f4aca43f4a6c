"""One console list: search, filters, sort and numbered pages read from the page's own query string.

`console_list` returns what `templates/components/table.html` renders: the page of items, the headers
with their sort links (`aria-sort` on the sorted one), the page links and the count. Every link keeps
the search, the filters and the sort, and works without JavaScript (`href`) as well as with htmx.
Each domain's selectors own the options of their lists (`ListOptions`); a console list reads the
console's parameters (`q`, `sort`, `dir`, `page`), never the API's.

A page number that is not one (`²`, `-1`, twenty digits) shows the first page, one past the end the
last: a link kept after the list shrank still lands somewhere useful, and nothing unbounded reaches SQL.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpRequest, QueryDict

from apps.core.api.pagination import page_at, page_number
from apps.core.htmx import is_partial

SEARCH, SORT, DIRECTION, PAGE = "q", "sort", "dir", "page"
DIRECTIONS = ("asc", "desc")


@dataclass(frozen=True)
class ListOptions:
    """What a console list allows: sort key → ORM fields, the default order, searched fields, page size."""

    sorts: Mapping[str, Sequence[str]]
    default_sort: str
    default_direction: str = "asc"
    search_fields: Sequence[str] = ()
    page_size: int = 25
    searchable: bool = True  # False: no search box (a list that only has filters)


@dataclass(frozen=True)
class Column:
    """A table column; `sort` names a key of the list's `ListOptions.sorts` when the column sorts."""

    label: str
    sort: str | None = None
    hidden_label: bool = False  # an actions column: the label is for screen readers only


@dataclass(frozen=True)
class Header:
    label: str
    hidden_label: bool
    sort: str | None
    url: str | None
    aria_sort: str | None  # "ascending"/"descending" on the column the list is sorted by


@dataclass
class ConsoleList:
    items: list[Any]
    total: int
    page: int
    pages: int
    page_size: int
    sort: str
    direction: str
    search: str
    filters: dict[str, str]
    headers: list[Header]
    path: str
    target: str
    noun: str
    noun_plural: str
    searchable: bool
    partial: bool
    _state: QueryDict = field(repr=False, default_factory=QueryDict)

    def url(self, **changes: str | None) -> str:
        """This list's URL with some parameters changed (None removes one); a changed view starts at page 1."""
        query = self._state.copy()
        query.pop(PAGE, None)
        for name, value in changes.items():
            query.pop(name, None)
            if value:
                query[name] = value
        encoded = query.urlencode()
        return f"{self.path}?{encoded}" if encoded else self.path

    @property
    def search_max_length(self) -> int:
        return settings.LIST_MAX_SEARCH_LENGTH

    @property
    def filtered(self) -> bool:
        return bool(self.search or any(self.filters.values()))

    @property
    def clear_url(self) -> str:
        """Search and filters removed, the sort kept."""
        query = QueryDict(mutable=True)
        query[SORT], query[DIRECTION] = self.sort, self.direction
        return f"{self.path}?{query.urlencode()}"

    @property
    def previous_url(self) -> str | None:
        return self.url(page=str(self.page - 1) if self.page > 2 else None) if self.page > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(page=str(self.page + 1)) if self.page < self.pages else None

    @property
    def first_index(self) -> int:
        return (self.page - 1) * self.page_size + 1 if self.total else 0

    @property
    def last_index(self) -> int:
        return min(self.page * self.page_size, self.total)

    @property
    def count_text(self) -> str:
        text = f"{self.total} {self.noun if self.total == 1 else self.noun_plural}"
        if self.pages > 1:
            text += f" · {self.first_index} to {self.last_index} shown"
        return text


def list_search(request: HttpRequest) -> str:
    """The list's search text, for selectors that search themselves (bounded like the API's)."""
    return request.GET.get(SEARCH, "").strip()[: settings.LIST_MAX_SEARCH_LENGTH]


def console_list(
    request: HttpRequest,
    queryset: QuerySet,
    options: ListOptions,
    *,
    columns: Sequence[Column],
    target: str,
    noun: str,
    noun_plural: str = "",
    filters: Sequence[str] = (),
) -> ConsoleList:
    """One page of `queryset` (already scoped and filtered by its selector) as the request asks for it.

    `filters` names the list's own filter parameters: they are kept in every sort and page link.
    `target` is the id of the region htmx swaps.
    """
    params = request.GET
    search = list_search(request) if options.searchable else ""
    if search and options.search_fields:
        queryset = queryset.filter(reduce(or_, (Q(**{f"{f}__icontains": search}) for f in options.search_fields)))
    sort = params.get(SORT, "")
    sort = sort if sort in options.sorts else options.default_sort
    direction = params.get(DIRECTION, "")
    direction = direction if direction in DIRECTIONS else options.default_direction
    sign = "-" if direction == "desc" else ""
    queryset = queryset.order_by(*(f"{sign}{f}" for f in options.sorts[sort]), f"{sign}pk")

    requested, size = page_number(params.get(PAGE)), options.page_size
    found = page_at(queryset, (requested - 1) * size, size)
    pages = max(1, -(-(found.total or 0) // size))
    page = min(requested, pages)
    if page != requested:  # past the end (a kept link to a list that shrank): the last page
        found = page_at(queryset, (page - 1) * size, size)
    items, total = found.objects, found.total or 0

    kept = {name: params.get(name, "").strip() for name in filters}
    state = QueryDict(mutable=True)
    if search:
        state[SEARCH] = search
    for name, value in kept.items():
        if value:
            state[name] = value
    state[SORT], state[DIRECTION] = sort, direction
    if page > 1:
        state[PAGE] = str(page)

    listing = ConsoleList(
        items=items,
        total=total,
        page=page,
        pages=pages,
        page_size=options.page_size,
        sort=sort,
        direction=direction,
        search=search,
        filters=kept,
        headers=[],
        path=request.path,
        target=target,
        noun=noun,
        noun_plural=noun_plural or f"{noun}s",
        searchable=options.searchable,
        # A history restore (back button after the cache forgot the page) wants the whole page.
        partial=is_partial(request) and not request.htmx.history_restore_request,  # type: ignore[attr-defined]
        _state=state,
    )
    listing.headers = [_header(listing, column) for column in columns]
    return listing


def _header(listing: ConsoleList, column: Column) -> Header:
    if column.sort is None:
        return Header(column.label, column.hidden_label, None, None, None)
    current = column.sort == listing.sort
    flipped = "desc" if listing.direction == "asc" else "asc"
    url = listing.url(**{SORT: column.sort, DIRECTION: flipped if current else "asc"})
    aria_sort = ("ascending" if listing.direction == "asc" else "descending") if current else None
    return Header(column.label, column.hidden_label, column.sort, url, aria_sort)
