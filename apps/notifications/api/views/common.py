"""What the notification views share: strict list filters, and reading an owner before the body's shape."""

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import OpenApiParameter

from apps.core.errors import InvalidInput
from apps.core.ids import ID_PATTERN

MARKER_PARAMS = [
    OpenApiParameter("limit", int, description="0..100, default 100"),
    OpenApiParameter("marker", str, description="The pagination token returned by the previous page"),
]
_ID = re.compile(ID_PATTERN)


def id_parameter(name: str) -> OpenApiParameter:
    """A list filter naming an entity: the schema carries the pattern `id_param` checks."""
    return OpenApiParameter(name, str, pattern=f"^{ID_PATTERN}$")


def id_param(params: Mapping[str, str], name: str) -> str | None:
    value = params.get(name) or None
    if value is not None and not _ID.fullmatch(value):
        raise InvalidInput(f"{name} must be an id.", field_errors={name: "Must match ^[A-Z0-9]{1,20}$."})
    return value


def choice_param(params: Mapping[str, str], name: str, choices: list[str]) -> str | None:
    value = params.get(name) or None
    if value is not None and value not in choices:
        raise InvalidInput(f"{name} is not valid.", field_errors={name: f"Must be one of: {', '.join(choices)}."})
    return value


def time_param(params: Mapping[str, str], name: str) -> datetime | None:
    raw = params.get(name) or None
    value = parse_datetime(raw) if raw else None
    if raw and (value is None or value.tzinfo is None):
        raise InvalidInput(f"{name} is not a time.", field_errors={name: "An RFC 3339 time with its offset."})
    return value.astimezone(UTC) if value else None  # PostgreSQL refuses offsets past ±15:59 (RFC 3339: ±23:59)


def owner_of(body: Any) -> tuple[str | None, str | None]:
    """`teamId`, `memberId` of a create body, read before its shape is checked: the permission to create comes
    first (a body that is not an object names no owner: the organization's, which needs the most)."""
    if not isinstance(body, dict):
        return None, None
    team, member = body.get("teamId"), body.get("memberId")
    return (team if isinstance(team, str) else None), (member if isinstance(member, str) else None)
