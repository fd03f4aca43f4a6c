"""`field__any=[...]`: membership in a list, as one array parameter on PostgreSQL.

`__in` writes one placeholder per value and prepares each value through the field: for a page's 100 ids in each of a
list's related queries, that is hundreds of placeholders that psycopg splits out of the SQL text on every call (long
statements are not in its cache) and hundreds of per-value calls. `= ANY(%s)` with the list as one array does neither.
Values must already be what the column holds (ids as read from the database). Other databases get `IN (...)`.
"""

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject, Lookup


class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[Any]:
        return list(self.rhs)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        if not self.rhs:
            raise EmptyResultSet
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", [*params, *self.rhs]

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*params, self.rhs]


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)  # relations keep lookups of their own: `member_id__any`
