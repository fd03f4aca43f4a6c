"""The shared cache (Redis, else a database table) that rate limits, idempotency records and write locks live in.

Settings pick the backend (`CACHES`); this module adds what both backends need to be shared safely by several
processes: keys namespaced by database, an atomic `incr` for the database backend, and a lock.
"""

import hashlib
import secrets
import time
from functools import cache as memoize
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router, transaction


@memoize
def _database_tag(name: str) -> str:
    return hashlib.blake2b(name.encode(), digest_size=6).hexdigest()


def namespaced_key(key: str, key_prefix: str, version: int) -> str:
    """Django's key layout, led by a tag of the database name.

    Processes on different databases (parallel test processes, each on its own test database, or two
    deployments) can share one Redis without sharing a counter, a record or a lock. The name is read per key
    because the test runner renames the database after settings are loaded.
    """
    return f"{_database_tag(str(settings.DATABASES['default']['NAME']))}:{key_prefix}:{version}:{key}"


class DatabaseCache(DjangoDatabaseCache):
    """Django's database cache, with an `incr` that loses no update when several workers count at once.

    Django's `incr` reads then writes; here the row is locked first (`SELECT … FOR UPDATE` on PostgreSQL; on
    SQLite the transaction itself takes the write lock, as settings open them `IMMEDIATE`).
    """

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        with transaction.atomic(using=db):
            if connection.features.has_select_for_update:
                with connection.cursor() as cursor:
                    table = connection.ops.quote_name(self._table)  # type: ignore[attr-defined]
                    cursor.execute(
                        f"SELECT 1 FROM {table} WHERE cache_key = %s FOR UPDATE",
                        [self.make_and_validate_key(key, version=version)],
                    )
            return super().incr(key, delta, version)


class CacheLock:
    """A lock in the shared cache: whoever adds the key first holds it; only the holder releases it.

    It expires after `ttl` seconds, so a worker that dies while holding it blocks others for at most that long.
    The stored value is `(owner token, payload)`, so waiters can read what the holder is doing.
    """

    def __init__(self, key: str, *, ttl: float, payload: Any = None) -> None:
        self.key = key
        self.ttl = ttl
        self.value = (secrets.token_hex(8), payload)

    def acquire(self, wait: float = 0.0, poll: float = 0.02) -> bool:
        deadline = time.monotonic() + wait
        while not cache.add(self.key, self.value, self.ttl):
            if time.monotonic() >= deadline:
                return False
            time.sleep(poll)
        return True

    def release(self) -> None:
        if cache.get(self.key) == self.value:
            cache.delete(self.key)

    def holder_payload(self) -> Any:
        """The payload of whoever holds the lock now (None when it is free)."""
        held = cache.get(self.key)
        return held[1] if held else None
