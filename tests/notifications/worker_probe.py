"""A task that keeps a test worker busy without holding a database transaction (SQLite allows one writer), imported
into the worker with `celery worker --include`. While `hold` exists in the directory it is given, the task removes
it, touches `holding` and sleeps there, to be killed."""

import time
from pathlib import Path

from celery import shared_task

HOLD_SECONDS = 120


@shared_task(acks_late=True)
def hold(workdir: str) -> None:
    directory = Path(workdir)
    if (directory / "hold").exists():
        (directory / "hold").unlink()
        (directory / "holding").touch()
        time.sleep(HOLD_SECONDS)
