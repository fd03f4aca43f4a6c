"""The principal acting in this request or task, so audit columns fill themselves."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_actor_id: ContextVar[str | None] = ContextVar("actor_id", default=None)


def current_actor_id() -> str | None:
    return _actor_id.get()


def set_actor_id(actor_id: str | None) -> None:
    _actor_id.set(actor_id)


@contextmanager
def acting_as(actor_id: str | None) -> Iterator[None]:
    token = _actor_id.set(actor_id)
    try:
        yield
    finally:
        _actor_id.reset(token)
