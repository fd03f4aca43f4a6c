"""Spark Connect sessions on a Sail server, addressed by URL (`sc://host:port/;session_id=...;user_id=...`)."""

import logging
import uuid

logger = logging.getLogger(__name__)


def session_url(*, host: str, port: int, session_id: str | None = None, user_id: str = "lakesail") -> str:
    """A URL that pins the session, so another process can interrupt that session's queries."""
    return f"sc://{host}:{port}/;session_id={session_id or uuid.uuid4()};user_id={user_id}"


def interrupt_session(url: str) -> list[str]:
    """Interrupt every running operation of the session named in `url`; returns the interrupted operation ids.

    A server only waits for running queries on SIGINT, so this is what makes a graceful stop quick.
    """
    from pyspark.sql.connect.client import SparkConnectClient

    client = SparkConnectClient(connection=url, retry_policy={"max_retries": 0})
    try:
        return list(client.interrupt_all() or [])
    except Exception as exc:  # the session or the server may be gone already: nothing left to interrupt
        logger.info("could not interrupt %s: %s", url.split(";")[0], exc)
        return []
    finally:
        client.close()
