from collections.abc import Iterable
from typing import Any

from rest_framework.serializers import Serializer

from apps.core.api.fast import dump


class Included:
    """The `included` map of a normalized response: each entity once, whatever refers to it.

    Entities are collected first and serialized at the end, one pass per group (`apps.core.api.fast.dump`), so a
    page of 100 items referring to 300 entities builds no serializer per entity.
    """

    def __init__(self) -> None:
        self._groups: dict[str, tuple[type[Serializer], dict[Any, Any]]] = {}

    def add(self, group: str, objects: Iterable[Any], serializer: type[Serializer]) -> "Included":
        _, seen = self._groups.setdefault(group, (serializer, {}))
        for obj in objects:
            if obj is not None and obj.pk not in seen:
                seen[obj.pk] = obj
        return self

    def as_dict(self) -> dict[str, list[dict[str, Any]]]:
        return {
            group: dump(serializer, list(seen.values()), many=True)
            for group, (serializer, seen) in self._groups.items()
        }
