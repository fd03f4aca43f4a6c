from collections.abc import Callable, Iterable
from typing import Any


class Included:
    """The `included` map of a normalized response: each entity once, whatever refers to it."""

    def __init__(self) -> None:
        self._groups: dict[str, dict[str, Any]] = {}

    def add(self, group: str, objects: Iterable[Any], serialize: Callable[[Any], dict[str, Any]]) -> "Included":
        seen = self._groups.setdefault(group, {})
        for obj in objects:
            if obj is not None and obj.pk not in seen:
                seen[obj.pk] = serialize(obj)
        return self

    def as_dict(self) -> dict[str, list[dict[str, Any]]]:
        return {group: list(items.values()) for group, items in self._groups.items()}
