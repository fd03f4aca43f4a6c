"""A subscriber for the outbox's worker tests, imported into a worker with `celery worker --include`.

It works in the directory EVENT_PROBE_DIR: while a `hold` file exists, the next delivery removes it, touches
`holding` and waits there (to be killed); every delivery that completes appends its event id to `delivered`.
"""

import os
import time
from pathlib import Path

from apps.core.events import Event, subscribe

HOLD_SECONDS = 120


def probe(event: Event) -> None:
    workdir = Path(os.environ["EVENT_PROBE_DIR"])
    hold = workdir / "hold"
    if hold.exists():
        hold.unlink()
        (workdir / "holding").touch()
        time.sleep(HOLD_SECONDS)
    with (workdir / "delivered").open("a") as delivered:
        delivered.write(event.event_id + "\n")


subscribe("probe.*", probe, name="tests.event_probe")
