"""The dashboard's slots: each domain adds the cards an administrator starts from (core imports no app).

A domain registers a slot from its AppConfig.ready():

    dashboard_slots.register("members", title="Members", template="org/slots/members.html",
                             context=members_context, order=10)

`context(principal)` returns what the slot's template renders (as `slot`), or None when the slot has nothing
for this principal (no permission, nothing relevant): the dashboard leaves it out. It reads through the
domain's selectors and should cost a query or two: the dashboard runs every slot on each visit.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from apps.core.principal import Principal

SlotContext = Callable[[Principal], Mapping[str, Any] | None]


@dataclass(frozen=True)
class Slot:
    key: str
    title: str
    template: str
    context: SlotContext
    order: int = 100
    wide: bool = False  # spans the whole row (a table), not one card of the grid


@dataclass(frozen=True)
class Filled:
    slot: Slot
    context: Mapping[str, Any]


_slots: dict[str, Slot] = {}


def register(
    key: str, *, title: str, template: str, context: SlotContext, order: int = 100, wide: bool = False
) -> None:
    """Add a slot (registering the same key again replaces it: ready() may run more than once)."""
    _slots[key] = Slot(key=key, title=title, template=template, context=context, order=order, wide=wide)


def slots() -> list[Slot]:
    return sorted(_slots.values(), key=lambda s: (s.order, s.key))


def fill(principal: Principal) -> list[Filled]:
    """The slots that have something for this principal, with their contexts, in order."""
    filled = []
    for slot in slots():
        context = slot.context(principal)
        if context is not None:
            filled.append(Filled(slot, context))
    return filled
