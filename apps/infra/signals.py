"""The reaper run when a Celery worker starts. (A lost Sail process is announced as the outbox event
`sail_process.lost`, see `apps.infra.providers.local.reaper`.)"""

import logging

from celery.signals import worker_ready
from django.db import connections

logger = logging.getLogger(__name__)


@worker_ready.connect
def reap_on_worker_start(**kwargs) -> None:
    """A worker that starts after a crash finds the servers its predecessor left behind."""
    from apps.infra.providers.local.reaper import reap_sail_processes

    try:
        report = reap_sail_processes()
    except Exception:  # a worker that cannot reap should still serve tasks; the periodic task retries
        logger.exception("reaping Sail processes on worker start failed")
        return
    finally:
        connections.close_all()  # pool processes forked later must not inherit this connection
    if report.lost or report.strays_stopped:
        logger.warning("reaped %d Sail process rows, stopped %d strays", len(report.lost), len(report.strays_stopped))
