"""Django's PostgreSQL backend, reading timestamps with psycopg's C loader.

Django registers a Python subclass of psycopg's `TimestamptzLoader` on every connection (to attach its own tzinfo),
which parses each value in Python: 1,200 timestamps, about what a page of members with their users, roles and teams
holds, cost 10 ms of CPU that way against under 1 ms in C. With `USE_TZ` and `TIME_ZONE = "UTC"` the session's time
zone is UTC, for which psycopg's C loader returns the very tzinfo Django would attach (`datetime.timezone.utc`), so
each cursor gets the C loader back after Django has set it up.
"""

import datetime
from typing import Any

from django.db.backends.postgresql import base
from psycopg import adapters
from psycopg.pq import Format

_C_LOADER = adapters.get_loader(1184, Format.TEXT)  # timestamptz: psycopg's own (the C one when it is installed)


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name: str | None = None) -> Any:
        cursor = super().create_cursor(name)
        if self.timezone is datetime.UTC:
            cursor.adapters.register_loader("timestamptz", _C_LOADER)
        return cursor
