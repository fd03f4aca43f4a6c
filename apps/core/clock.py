"""The one source of time in `apps/`. Code calls `clock.now()` (through the module, never a copied name),
so lockouts, code lifetimes, schedules and timeouts can be tested by moving time rather than sleeping."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.utils import timezone

# The only place allowed to read the wall clock (tests/core/test_one_clock.py enforces it).


class FrozenClock:
    """Time that stands still until moved by hand."""

    def __init__(self, at: datetime) -> None:
        self.current = at

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


# A module-level override (not a context variable) so threads such as a live test server see it too.
_frozen: FrozenClock | None = None


def now() -> datetime:
    return _frozen.now() if _frozen is not None else timezone.now()


@contextmanager
def frozen(at: datetime | None = None) -> Iterator[FrozenClock]:
    """Freeze the clock (at `at`, or the current time) for the duration of the block."""
    global _frozen
    previous, _frozen = _frozen, FrozenClock(at or timezone.now())
    try:
        yield _frozen
    finally:
        _frozen = previous
