"""Django's PostgreSQL backend, reading timestamps with psycopg's C loader, with prepared statements for the queries
the project compiles once.

Django registers a Python subclass of psycopg's `TimestamptzLoader` on every connection (to attach its own tzinfo),
which parses each value in Python: 1,200 timestamps, about what a page of members with their users, roles and teams
holds, cost 10 ms of CPU that way against under 1 ms in C. With `USE_TZ` and `TIME_ZONE = "UTC"` the session's time
zone is UTC, for which psycopg's C loader returns the very tzinfo Django would attach (`datetime.timezone.utc`), so
each cursor gets the C loader back after Django has set it up.

Django's cursors bind parameters on the client, so PostgreSQL parses and plans every statement anew. The queries of
`apps.core.compiled` (authentication, grants, list pages) run the same SQL on every request: `prepared_cursor()`
binds on the server, and psycopg prepares a statement once a connection has run it a few times (its
`prepare_threshold`), after which PostgreSQL skips parsing and planning it (a page of jobs: 0.3 ms of the server's
CPU). It is Django's own cursor (query logging and `execute_wrapper` see its queries).
"""

import datetime
from typing import Any

from django.db.backends.postgresql import base
from psycopg import adapters
from psycopg.pq import Format

_C_LOADER = adapters.get_loader(1184, Format.TEXT)  # timestamptz: psycopg's own (the C one when it is installed)


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name: str | None = None) -> Any:
        return self._with_c_loader(super().create_cursor(name))

    def _with_c_loader(self, cursor: Any) -> Any:
        if self.timezone is datetime.UTC:
            cursor.adapters.register_loader("timestamptz", _C_LOADER)
        return cursor

    def prepared_cursor(self) -> Any:
        """A cursor binding parameters on the server, whose statements psycopg prepares once they repeat (Django's
        client-binding cursor in a session whose time zone is not UTC: Django's loaders are then set per cursor)."""
        if self.timezone is not datetime.UTC:
            return self.cursor()
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            cursor = self._with_c_loader(base.ServerBindingCursor(self.connection))  # type: ignore[attr-defined]
            return self._prepare_cursor(cursor)  # type: ignore[attr-defined]
