"""The reference's three list shapes: marker (keyset), page (total + page), and both.

Strict parameters: a bad limit, page, sortBy, sortDirection, search or marker is a 400 error object.
Numbers are ASCII digits within bounds (`limit` 0..100, `page` 1..settings.LIST_MAX_PAGE), so no
parameter can reach the database as an offset it cannot represent; `search` is at most
settings.LIST_MAX_SEARCH_LENGTH characters (SQLite refuses long LIKE patterns).
Keyset pagination refuses unordered querysets, so a page boundary is always well defined.
"""

import base64
import binascii
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db.models import DateTimeField, Expression, Field, IntegerField, Q, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.db.models.query import ModelIterable
from django.utils.timezone import is_naive, make_aware

from apps.core.compiled import CompiledQuery
from apps.core.errors import InvalidInput

MAX_LIMIT = 100
DEFAULT_LIMIT = 100


# int() also takes "+5", " 5", "1_0" and non-ASCII digits; a list parameter is plain digits, and short.
_DIGITS = re.compile(r"[0-9]{1,18}")


def _bounded_int(raw: str | None, default: int, *, minimum: int, maximum: int) -> int | None:
    """`raw` as an integer in minimum..maximum (`default` when empty); None when it is anything else."""
    if not raw:
        return default
    if not _DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if minimum <= value <= maximum else None


def _parse_int(params: Mapping[str, str], name: str, default: int, *, minimum: int, maximum: int) -> int:
    value = _bounded_int(params.get(name), default, minimum=minimum, maximum=maximum)
    if value is None:
        bound = f"between {minimum} and {maximum}"
        raise InvalidInput(f"{name} must be an integer {bound}.", field_errors={name: f"Must be an integer {bound}."})
    return value


def parse_limit(params: Mapping[str, str]) -> int:
    return _parse_int(params, "limit", DEFAULT_LIMIT, minimum=0, maximum=MAX_LIMIT)


def parse_page(params: Mapping[str, str]) -> int:
    return _parse_int(params, "page", 1, minimum=1, maximum=settings.LIST_MAX_PAGE)


def page_number(raw: str | None) -> int:
    """The page a console link asks for; a page number that is not one falls back to the first page."""
    return _bounded_int(raw, 1, minimum=1, maximum=settings.LIST_MAX_PAGE) or 1


def parse_search(params: Mapping[str, str]) -> str:
    search = (params.get("search") or "").strip()
    maximum = settings.LIST_MAX_SEARCH_LENGTH
    if len(search) > maximum:
        raise InvalidInput(
            f"search must be at most {maximum} characters.", field_errors={"search": f"At most {maximum} characters."}
        )
    return search


def _ordering(queryset: QuerySet) -> list[str]:
    ordering = [str(f) for f in queryset.query.order_by or (queryset.model._meta.ordering if queryset.ordered else [])]
    if not ordering:
        raise TypeError(f"keyset pagination needs an ordered queryset ({queryset.model.__name__})")
    if not any(f.lstrip("-") in ("id", "pk") for f in ordering):
        # A unique tiebreaker makes every boundary exact.
        ordering.append("-id" if ordering[-1].startswith("-") else "id")
    return ordering


def _value(obj: Any, path: str) -> Any:
    return reduce(lambda o, attr: getattr(o, attr) if o is not None else None, path.split("__"), obj)


def _encode_marker(values: list[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, dt.datetime | dt.date) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode_marker(marker: str, size: int) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(marker + "=" * (-len(marker) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != size:
        raise InvalidInput("marker is not a marker this list returned.", field_errors={"marker": "Unknown marker."})
    return values


def _after(ordering: list[str], values: list[Any]) -> Q:
    clauses = []
    for i, field in enumerate(ordering):
        name = field.lstrip("-")
        op = "lt" if field.startswith("-") else "gt"
        equal = {f.lstrip("-"): v for f, v in zip(ordering[:i], values[:i], strict=True)}
        clauses.append(Q(**equal, **{f"{name}__{op}": values[i]}))
    # An OR is no index range: bounding the leading key as well lets the index scan start at the marker, so a deep
    # page costs what the first one does instead of reading every row before it.
    first = ordering[0]
    bound = Q(**{f"{first.lstrip('-')}__{'lte' if first.startswith('-') else 'gte'}": values[0]})
    return bound & reduce(or_, clauses)


@dataclass
class Page:
    objects: list[Any]
    marker: str | None = None
    total: int | None = None


def marker_page(queryset: QuerySet, params: Mapping[str, str], *, with_total: bool = False) -> Page:
    """One keyset page: items after the marker, and a marker for the next page if there is one."""
    limit = parse_limit(params)
    ordering = _ordering(queryset)
    queryset = queryset.order_by(*ordering)
    total = queryset.count() if with_total else None
    marker = params.get("marker")
    if marker:
        try:
            queryset = queryset.filter(_after(ordering, _decode_marker(marker, len(ordering))))
            rows = list(queryset[: limit + 1])
        except (ValueError, TypeError) as exc:
            raise InvalidInput("marker is not valid.", field_errors={"marker": "Unknown marker."}) from exc
    else:
        rows = list(queryset[: limit + 1])
    return _keyset_page(rows, limit, ordering, total)


def _keyset_page(rows: list[Any], limit: int, ordering: list[str], total: int | None = None) -> Page:
    """The page of the `limit + 1` rows read, with the marker of the next one if there is one."""
    more = len(rows) > limit
    rows = rows[:limit]
    next_marker = _encode_marker([_value(rows[-1], f.lstrip("-")) for f in ordering]) if more and rows else None
    return Page(objects=rows, marker=next_marker, total=total)


def counter_total(counter: QuerySet) -> Coalesce:
    """The value a query of a counter's one value reads (0 without a row), as a column of another query: a list's
    total where a counter keeps it (else `total_of` counts the list)."""
    return Coalesce(Subquery(counter), Value(0), output_field=IntegerField())


class KeysetPages:
    """The pages `marker_page` reads of one list of models or named rows (`build(**names)`, ordered), compiled once
    per page size and kind (first, or after a marker): building and compiling a list's QuerySet of 28 columns and three
    subqueries cost about 1 ms of CPU on each page, more than reading it. Keys are text or datetimes."""

    def __init__(
        self, build: Callable[..., QuerySet], *names: str, total: Callable[..., Expression] | None = None
    ) -> None:
        """`total(**names)`: the list's number of rows as an expression (`counter_total` or `total_of`), read with
        each page's rows as a column of them (`list_total`)."""
        self.build = build
        self.names = names
        self.total = total
        self._queries: dict[tuple[int, bool], CompiledQuery] = {}

    @cached_property
    def _keys(self) -> tuple[list[str], list[Field], bool]:
        """The ordering, its fields, and whether the list is of models (else of named rows)."""
        queryset = self.build(**dict.fromkeys(self.names, ""))
        ordering = _ordering(queryset)
        meta = queryset.model._meta
        fields = [meta.pk if name in ("id", "pk") else meta.get_field(name) for name in _names(ordering)]
        return ordering, fields, queryset._iterable_class is ModelIterable

    def _query(self, limit: int, after: bool) -> CompiledQuery:
        query = self._queries.get((limit, after))
        if query is None:
            ordering, fields, models = self._keys
            keys = [f"after_{i}" for i in range(len(ordering))] if after else []
            # A datetime key takes datetimes (`CompiledQuery(typed=)`): one no marker holds, different for each key.
            typed = {
                key: dt.datetime(1, 1, 1, 0, 0, 0, i + 1, tzinfo=dt.UTC)
                for i, (key, field) in enumerate(zip(keys, fields, strict=False))
                if isinstance(field, DateTimeField)
            }

            def build(**values: Any) -> QuerySet:
                named = {name: values[name] for name in self.names}
                queryset = self.build(**named).order_by(*ordering)
                if self.total is not None:
                    queryset = queryset.annotate(list_total=self.total(**named))
                    if not models:
                        queryset = queryset.values_list(*queryset._fields, "list_total", named=True)
                if keys:
                    queryset = queryset.filter(_after(ordering, [values[key] for key in keys]))
                return queryset[: limit + 1]

            query = self._queries[(limit, after)] = CompiledQuery(build, *self.names, *keys, typed=typed)
        return query

    def page(self, params: Mapping[str, str], **values: Any) -> Page:
        """The page `marker_page(build(**values), params)` reads, with the total `total` reads (None on an empty
        page, and without `total`)."""
        limit = parse_limit(params)
        ordering, fields, models = self._keys
        marker = params.get("marker")
        after: dict[str, Any] = {}
        if marker:
            try:
                decoded = [f.to_python(v) for f, v in zip(fields, _decode_marker(marker, len(ordering)), strict=True)]
            except ValidationError as exc:
                raise InvalidInput("marker is not valid.", field_errors={"marker": "Unknown marker."}) from exc
            aware = [make_aware(v, dt.UTC) if isinstance(v, dt.datetime) and is_naive(v) else v for v in decoded]
            after = {f"after_{i}": value for i, value in enumerate(aware)}
        query = self._query(limit, bool(after))
        rows = query.objects(**values, **after) if models else query.named_rows(**values, **after)
        total = rows[0].list_total if rows and self.total is not None else None  # type: ignore[union-attr]
        return _keyset_page(rows, limit, ordering, total)


def _names(ordering: list[str]) -> list[str]:
    return [field.lstrip("-") for field in ordering]


def after_marker(queryset: QuerySet, params: Mapping[str, str]) -> QuerySet:
    """`queryset` in its keyset order, from just after the marker of `params` (all of it without one): for a subquery
    that must start where the page does (one read per group, merged into a page by `marker_page`)."""
    ordering = _ordering(queryset)
    queryset = queryset.order_by(*ordering)
    marker = params.get("marker")
    if not marker:
        return queryset
    try:
        return queryset.filter(_after(ordering, _decode_marker(marker, len(ordering))))
    except (ValueError, TypeError) as exc:
        raise InvalidInput("marker is not valid.", field_errors={"marker": "Unknown marker."}) from exc


# The rows of a page given their ids: the same list as a QuerySet, or a function reading them (a compiled query).
Rows = QuerySet | Callable[[list[Any]], Iterable[Any]]


@dataclass(frozen=True)
class PageOptions:
    """What a page-paginated list allows: wire sort key → ORM fields, and searchable ORM fields."""

    sort_fields: Mapping[str, Sequence[str]]
    default_sort: str
    search_fields: Sequence[str] = ()
    default_direction: str = "asc"


def _numbered_params(params: Mapping[str, str], options: PageOptions) -> tuple[int, int, str, str, str]:
    """A numbered page's limit, number, sort key, direction and search (when the list has fields to search), checked."""
    limit = parse_limit(params)
    page = parse_page(params)
    sort_by = params.get("sortBy") or options.default_sort
    if sort_by not in options.sort_fields:
        allowed = ", ".join(options.sort_fields)
        raise InvalidInput(f"sortBy must be one of: {allowed}.", field_errors={"sortBy": f"Must be one of: {allowed}."})
    direction = params.get("sortDirection") or options.default_direction
    if direction not in ("asc", "desc"):
        raise InvalidInput("sortDirection must be asc or desc.", field_errors={"sortDirection": "Must be asc or desc."})
    search = parse_search(params)
    return limit, page, sort_by, direction, search if options.search_fields else ""


def _sorted(queryset: QuerySet, options: PageOptions, sort_by: str, direction: str) -> QuerySet:
    sign = "-" if direction == "desc" else ""
    return queryset.order_by(*(f"{sign}{f}" for f in options.sort_fields[sort_by]), f"{sign}id")


def numbered_page(
    queryset: QuerySet,
    params: Mapping[str, str],
    options: PageOptions,
    *,
    rows: Rows | None = None,
    total: QuerySet | None = None,
) -> Page:
    """A numbered page of `queryset`. `rows`: the same list built to read the page's rows (wider, with joins), or a
    function reading them by id, when `queryset` is the narrow one that sorts, skips and counts best (an index-only
    scan). `total`: a query of the list's number of rows (a counter's one value, none meaning 0), read instead of
    counting them unless a search narrows the list."""
    limit, page, sort_by, direction, search = _numbered_params(params, options)
    if search:
        queryset = queryset.filter(reduce(or_, (Q(**{f"{f}__icontains": search}) for f in options.search_fields)))
    queryset = _sorted(queryset, options, sort_by, direction)
    offset = (page - 1) * limit
    if not limit:
        return Page(objects=[], total=queryset.count())
    counted = None if total is None or search else counter_total(total)
    return page_at(queryset, offset, limit, rows=rows, counted=counted)


class NumberedPages:
    """The pages `numbered_page(build(**names), params, options, rows=rows)` reads of a list no search narrows, by
    queries compiled once per sort (their LIMIT and OFFSET bound as parameters); `total(**names)` is the list's number
    of rows as an expression (`counter_total` or `total_of`).

    A page past the first: its ids and total by one query of `build` (narrow: the database sorts and skips index
    entries, not whole rows), its rows by `rows(ids)`. The first page, which skips nothing, and every page without
    `rows` (a short list): the rows of `wide(**names)` (default: `build`), models or named rows, each with the total
    beside it, by one query."""

    def __init__(
        self,
        build: Callable[..., QuerySet],
        *names: str,
        options: PageOptions,
        total: Callable[..., Expression],
        rows: Callable[[list[Any]], Iterable[Any]] | None = None,
        wide: Callable[..., QuerySet] | None = None,
    ) -> None:
        self.build, self.names, self.options, self.total = build, names, options, total
        self.rows, self.wide = rows, wide or build
        self._queries: dict[tuple[str, str, bool], CompiledQuery] = {}

    @cached_property
    def _wide_models(self) -> bool:
        return self.wide(**dict.fromkeys(self.names, ""))._iterable_class is ModelIterable

    def _query(self, sort_by: str, direction: str, whole: bool) -> CompiledQuery:
        """The query of a page's ids and total, or (`whole`) of its rows, each with the total."""
        query = self._queries.get((sort_by, direction, whole))
        if query is None:

            def build(*, limit: int, offset: int, **values: Any) -> QuerySet:
                listed = _sorted((self.wide if whole else self.build)(**values), self.options, sort_by, direction)
                total = self.total(**values)
                if not whole:
                    return listed.values_list("pk", total)[offset : offset + limit]
                listed = listed.annotate(list_total=total)
                if not self._wide_models:
                    listed = listed.values_list(*listed._fields, "list_total", named=True)
                return listed[offset : offset + limit]

            query = CompiledQuery(build, *self.names, sliced=True)
            self._queries[(sort_by, direction, whole)] = query
        return query

    def page(self, params: Mapping[str, str], **values: Any) -> Page | None:
        """The page, or None where `numbered_page` must answer: a search, `limit=0`, an empty page past the end."""
        limit, page, sort_by, direction, search = _numbered_params(params, self.options)
        offset = (page - 1) * limit
        if search or not limit:
            return None
        window: dict[str, Any] = {"limit": limit, "offset": offset}
        if self.rows is None or not offset:
            query = self._query(sort_by, direction, whole=True)
            found = (query.objects if self._wide_models else query.named_rows)(**values, **window)
            if not found:
                return None if offset else Page(objects=[], total=0)
            return Page(objects=found, total=found[0].list_total)  # type: ignore[union-attr]
        pairs = self._query(sort_by, direction, whole=False).rows(**values, **window)
        if not pairs:
            return None
        return _ids_page(pairs, self.rows)


def page_at(queryset: QuerySet, offset: int, limit: int, *, rows: Rows | None = None, counted: Any = None) -> Page:
    """The `limit` rows of the ordered `queryset` after `offset`, with its total: ids first, rows second. The
    database sorts and skips narrow (index-only) rows and builds the wide ones with their joins only for the page, so
    a deep page costs about what the first one does; the total rides along with the ids (`counted`, an expression
    of it, else `total_of`), so a page is two round trips. `rows`: the same list built to read the page's rows.

    The first page of a list of models skips nothing: its rows come in one query, each with the total beside it
    (half the ORM's work of a short page, and a round trip less)."""
    counted = counted or total_of(queryset)
    if offset == 0 and rows is None and queryset._iterable_class is ModelIterable:
        first = list(queryset.annotate(list_total=counted)[:limit])
        return Page(objects=first, total=first[0].list_total if first else 0)
    found = list(queryset.values_list("pk", counted)[offset : offset + limit])
    if not found:
        return Page(objects=[], total=queryset.count() if offset else 0)
    if callable(rows):
        return _ids_page(found, rows)
    by_id = (queryset if rows is None else rows).order_by()
    return _ids_page(found, lambda ids: by_id.filter(pk__any=ids))


def _ids_page(found: list[tuple[Any, int]], rows: Callable[[list[Any]], Iterable[Any]]) -> Page:
    """The page of these (id, total) pairs, in their order, with the rows `rows` reads of them."""
    ids = [pk for pk, _total in found]
    read = {row.pk: row for row in rows(ids)}
    return Page(objects=[read[pk] for pk in ids], total=found[0][1])


def total_of(queryset: QuerySet) -> RawSQL | Value:
    """The number of rows of `queryset`, as a column for another query over it: an uncorrelated scalar subquery,
    which the database computes once. It counts the queryset's own SQL (with its DISTINCT or GROUP BY, if any) but
    selects only the key, so annotations the list shows and does not filter on are never computed for counting."""
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # a queryset that can match nothing (`none()`, an empty `__in`)
        return Value(0, output_field=IntegerField())
    return RawSQL(f"SELECT COUNT(*) FROM ({sql}) AS counted", params, output_field=IntegerField())


def list_body(page: Page, items: list[Any], **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if page.total is not None:
        body["total"] = page.total
    body["items"] = items
    body.update(extra)
    if page.marker:
        body["marker"] = page.marker
    return body


def serialize_page(page: Page, serialize: Callable[[Any], dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return list_body(page, [serialize(o) for o in page.objects], **extra)
