"""The principal acting in this request or task, so audit columns and audit records fill themselves.

The API base and the console set it once per request; tasks and commands leave it unset (the system acts).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

USER = "user"
SERVICE_ACCOUNT = "service_account"
SYSTEM = "system"
ANONYMOUS = "anonymous"  # an unauthenticated caller: a failed sign-in, a sign-up
KINDS = (USER, SERVICE_ACCOUNT, SYSTEM, ANONYMOUS)


@dataclass(frozen=True)
class Actor:
    id: str
    kind: str = USER


_actor: ContextVar[Actor | None] = ContextVar("actor", default=None)


def current_actor() -> Actor | None:
    return _actor.get()


def current_actor_id() -> str | None:
    actor = _actor.get()
    return actor.id if actor else None


def set_actor(actor_id: str | None, kind: str = USER) -> None:
    """Who acts from now on in this context (None: nobody yet)."""
    if kind not in KINDS:
        raise ValueError(f"unknown actor kind {kind!r}")
    _actor.set(Actor(actor_id, kind) if actor_id else None)


def set_actor_id(actor_id: str | None) -> None:
    """A user acts from now on (None: nobody yet)."""
    set_actor(actor_id, USER)


@contextmanager
def acting_as(actor_id: str | None, kind: str = USER) -> Iterator[None]:
    token = _actor.set(Actor(actor_id, kind) if actor_id else None)
    try:
        yield
    finally:
        _actor.reset(token)
