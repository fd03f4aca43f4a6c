"""Enqueued tasks show their arguments (monitoring, logs) as Celery would, without its costly `saferepr`."""

import pytest
from celery.signals import before_task_publish

from apps.core.tasks import deliver_event
from lakesail_console.celery import ARGS_REPR_MAX, app


@pytest.fixture
def published():
    """Publish `deliver_event` to an in-memory broker; returns the publish function and the headers sent."""
    headers: list[dict] = []

    def capture(**kwargs) -> None:
        headers.append(kwargs["headers"])

    before_task_publish.connect(capture, weak=False)
    try:
        with app.connection_for_write("memory://") as connection:
            yield (lambda *args, **options: deliver_event.apply_async(args, connection=connection, **options)), headers
    finally:
        before_task_publish.disconnect(capture)


def test_a_task_message_shows_its_arguments(published):
    publish, headers = published
    publish("EV1")
    publish("X" * 5000)
    publish("EV2", argsrepr="(hidden)")
    assert (headers[0]["argsrepr"], headers[0]["kwargsrepr"]) == ("('EV1',)", "{}")
    assert headers[1]["argsrepr"] == repr(("X" * 5000,))[:ARGS_REPR_MAX]  # bounded as Celery bounds it
    assert headers[2]["argsrepr"] == "(hidden)"  # a caller's own text is kept
