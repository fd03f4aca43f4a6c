"""Queries run on every request, compiled to SQL once.

Building and compiling a QuerySet costs more than running it for small, hot queries (the grants UNION of every API
request: ~1 ms of Python on each call). A CompiledQuery builds the QuerySet once per database with sentinel values
in place of its parameters, keeps the SQL, and later only substitutes the real values, in the positions where the
sentinels ended up. Rows come back as tuples or named rows, through the same database converters Django applies,
or as model instances (with what `select_related` joined) as Django's own iterator builds them.

A name given in `lists` takes a list (`pk__any=ids`): PostgreSQL binds it as one array parameter; other databases
write a placeholder per value. A name given in `typed` takes values of its sentinel's type (a datetime), which
PostgreSQL's backend binds as they are; other databases convert them. On those databases such a QuerySet is built
for each call. A `sliced` query is a page: `build` also takes `offset` and `limit` and slices the QuerySet
`[offset : offset + limit]`, whose LIMIT and OFFSET, written into the SQL by Django, become parameters too.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.db.models.utils import create_namedtuple_class

_WINDOW = (1_000_000_009, 1_000_000_007)  # LIMIT and OFFSET no page has: where they are written is where they go


class CompiledQuery:
    def __init__(
        self,
        build: Callable[..., QuerySet],
        *names: str,
        lists: tuple[str, ...] = (),
        typed: Mapping[str, Any] | None = None,
        sliced: bool = False,
    ) -> None:
        """`build(**{name: value})` returns a QuerySet (`values_list()` for `rows` and `named_rows`, of models for
        `objects`); every name must reach the SQL as a parameter, those in `lists` as a list, those in `typed` as a
        value of the type of the sentinel it maps them to (one no real call passes)."""
        self.build = build
        self.names = names
        self.lists = lists
        self.typed = dict(typed or {})
        self.sliced = sliced
        self._compiled: dict[str, tuple[str, list[int | None], list[Any], Any, Sequence[Any], type]] = {}

    def _compiles(self, alias: str) -> bool:
        return not (self.lists or self.typed) or connections[alias].vendor == "postgresql"

    def _compile(self, alias: str) -> tuple[str, list[int | None], list[Any], Any, Sequence[Any], type]:
        text = {name: f"\x00compiled-{name}\x00" for name in self.names}
        sentinels = [self.typed.get(name, [text[name]] if name in self.lists else text[name]) for name in self.names]
        window = dict(zip(("limit", "offset"), _WINDOW, strict=True)) if self.sliced else {}
        queryset = self.build(**dict(zip(self.names, sentinels, strict=True)), **window)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        if self.sliced:
            tail = " LIMIT {} OFFSET {}".format(*_WINDOW)
            if not sql.endswith(tail):
                raise ValueError("a sliced query must end with its LIMIT and OFFSET")
            sql, params = f"{sql.removesuffix(tail)} LIMIT %s OFFSET %s", [*params, *_WINDOW]
            sentinels = [*sentinels, *_WINDOW]
        slots = [
            next(
                (i for i, sentinel in enumerate(sentinels) if type(param) is type(sentinel) and param == sentinel), None
            )
            for param in params
        ]
        found = {slot for slot in slots if slot is not None}
        if found != set(range(len(sentinels))):
            raise ValueError(f"not every name became a parameter of the query: {self.names}")
        converters = compiler.get_converters([expression for expression, _sql, _alias in compiler.select])
        query = queryset.query  # the names `values_list(named=True)` gives its rows, in the order it selects them
        fields = queryset._fields  # type: ignore[attr-defined]
        names = fields or (*query.extra_select, *query.values_select, *query.annotation_select)
        return sql, slots, list(params), compiler, converters, create_namedtuple_class(*names)

    def _fetch(self, alias: str, values: dict[str, Any]) -> tuple[list[tuple[Any, ...]], Any, type]:
        compiled = self._compiled.get(alias)
        if compiled is None:
            compiled = self._compiled[alias] = self._compile(alias)
        sql, slots, params, compiler, converters, row = compiled
        ordered = [values[name] for name in self.names]
        if self.sliced:
            ordered += [values["limit"], values["offset"]]
        bound = [ordered[slot] if slot is not None else param for slot, param in zip(slots, params, strict=True)]
        connection = connections[alias]
        # On PostgreSQL, a statement prepared once it repeats (apps.core.db.postgresql): these run on every request.
        with getattr(connection, "prepared_cursor", connection.cursor)() as cursor:
            cursor.execute(sql, bound)
            fetched = cursor.fetchall()
        if converters:
            fetched = compiler.apply_converters(fetched, converters)
        return [tuple(values) for values in fetched], compiler, row

    def rows(self, using: str = "default", **values: Any) -> list[tuple[Any, ...]]:
        if not self._compiles(using):
            return [tuple(row) for row in self.build(**values).using(using)]
        return self._fetch(using, values)[0]

    def named_rows(self, using: str = "default", **values: Any) -> list[tuple[Any, ...]]:
        """Rows as `values_list(..., named=True)`, which `build` returns, makes them."""
        if not self._compiles(using):
            return list(self.build(**values).using(using))
        rows, _compiler, row = self._fetch(using, values)
        new = tuple.__new__
        return [new(row, values) for values in rows]

    def objects(self, using: str = "default", **values: Any) -> list[Model]:
        """Model instances, built as `ModelIterable` builds them (the related objects `select_related` joined, the
        annotations set)."""
        if not self._compiles(using):
            return list(self.build(**values).using(using))
        rows, compiler, _row = self._fetch(using, values)
        klass_info, select = compiler.klass_info, compiler.select
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        init_list = [column[0].target.attname for column in select[start:end]]
        populators = get_related_populators(klass_info, select, using)
        annotations = compiler.annotation_col_map.items()
        found = []
        for row in rows:
            obj = klass_info["model"].from_db(using, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations:
                setattr(obj, name, row[position])
            found.append(obj)
        return found
