"""The proxy's database work, on a few threads of its own (the event loop never waits on a query): the session's
state and server on every call, and its activity, written at most every SESSION_ACTIVITY_WRITE_SECONDS."""

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.conf import settings
from django.db import DatabaseError, connection

from apps.workloads.models import SessionStatus
from apps.workloads.selectors.sessions import SessionRoute, session_route
from apps.workloads.services.session_lifecycle import session_activity

logger = logging.getLogger(__name__)
T = TypeVar("T")
# Past this many sessions remembered, those not written within the write interval are forgotten.
_REMEMBERED = 10_000


def _with_retry(query: Callable[[], T]) -> T:
    """A connection the database dropped (a restart, an idle timeout) is replaced once."""
    try:
        return query()
    except DatabaseError:
        connection.close()
        return query()


class Routes:
    def __init__(self, threads: int = 4) -> None:
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="session-proxy-db")
        self._written: dict[str, float] = {}  # session id -> monotonic time of its last activity write
        self._pending: set[asyncio.Future] = set()

    async def route(self, session_id: str) -> SessionRoute | None:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, _with_retry, lambda: session_route(session_id=session_id))

    def touch(self, session_id: str, status: str) -> None:
        """Record activity without waiting for it; a session that is not active yet is written at once."""
        now = time.monotonic()
        recent = now - self._written.get(session_id, 0) < settings.SESSION_ACTIVITY_WRITE_SECONDS
        if status == SessionStatus.ACTIVE and recent:
            return
        if len(self._written) >= _REMEMBERED:
            horizon = now - settings.SESSION_ACTIVITY_WRITE_SECONDS
            self._written = {key: at for key, at in self._written.items() if at > horizon}
        self._written[session_id] = now
        future = asyncio.get_running_loop().run_in_executor(self._executor, self._write, session_id)
        self._pending.add(future)
        future.add_done_callback(self._pending.discard)

    @staticmethod
    def _write(session_id: str) -> None:
        try:
            _with_retry(lambda: session_activity(session_id=session_id))
        except DatabaseError:  # activity is advisory: a missed write only makes the session look idle sooner
            logger.exception("could not record the activity of session %s", session_id)

    async def drain(self) -> None:
        """Wait for the activity writes in flight (at shutdown)."""
        if self._pending:
            await asyncio.wait(set(self._pending))

    def close(self) -> None:
        self._executor.shutdown(wait=True)
