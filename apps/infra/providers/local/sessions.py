"""Spark Connect sessions on a Sail server, addressed by URL (`sc://host:port/;session_id=...;user_id=...`)."""

import logging
import uuid

logger = logging.getLogger(__name__)

# The client's default retries wait out up to ten minutes of an unavailable server, in threads that even block
# interpreter exit. A loopback server that is unavailable has stopped: give up within a second or two.
SHORT_RETRIES = {"max_retries": 3, "initial_backoff": 50, "max_backoff": 500, "jitter": 0}


def session_url(*, host: str, port: int, session_id: str | None = None, user_id: str = "lakesail") -> str:
    """A URL that pins the session, so another process can interrupt that session's queries."""
    return f"sc://{host}:{port}/;session_id={session_id or uuid.uuid4()};user_id={user_id}"


def connect(url: str):
    """A new pyspark SparkSession on `url` that fails fast when the server is gone."""
    from pyspark.sql import SparkSession
    from pyspark.sql.connect.client.retries import DefaultPolicy

    spark = SparkSession.builder.remote(url).create()
    spark.client.set_retry_policies([DefaultPolicy(**SHORT_RETRIES)])
    return spark


def interrupt_session(url: str) -> list[str]:
    """Interrupt every running operation of the session named in `url`; returns the interrupted operation ids.

    A server only waits for running queries on SIGINT, so this is what makes a graceful stop quick.
    """
    from pyspark.sql.connect.client import SparkConnectClient

    client = SparkConnectClient(connection=url, retry_policy=SHORT_RETRIES)
    try:
        return list(client.interrupt_all() or [])
    except Exception as exc:  # the session or the server may be gone already: nothing left to interrupt
        logger.info("could not interrupt %s: %s", url.split(";")[0], exc)
        return []
    finally:
        client.close()
