"""Serializer fields as the schema describes them.

`install_strict_types()` (run once by `apps.core.apps`) makes DRF's own fields refuse what a JSON body sends in
the wrong type instead of coercing it: `{"enabled": 0}` is not a boolean, `{"name": 12345}` not a string,
`{"limit": "5"}` not an integer. Every serializer in every app gets this without a line of its own, and the
OpenAPI schema (which says `boolean`, `string`, `integer`) is then the truth. Data that is text by nature (query
parameters and form posts: a `QueryDict`) keeps DRF's parsing of "true" or "5".
"""

from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.http import QueryDict
from rest_framework import fields


def _from_json(field: fields.Field) -> bool:
    root = field.root
    return root is not field and not isinstance(getattr(root, "initial_data", None), QueryDict | None)


def _is_integer(data: Any) -> bool:
    # JSON has one number type: 3.0 is the integer 3 (as JSON Schema says), 3.5 and "3" are not integers.
    return not isinstance(data, bool) and (isinstance(data, int) or (isinstance(data, float) and data.is_integer()))


def _is_number(data: Any) -> bool:
    return not isinstance(data, bool) and isinstance(data, int | float)


def _is_choice(field: fields.ChoiceField, data: Any) -> bool:
    return any(type(choice) is type(data) for choice in field.choices) or (data == "" and field.allow_blank)


STRICT: list[tuple[type[fields.Field], Callable[[fields.Field, Any], bool], str]] = [
    (fields.BooleanField, lambda _field, data: isinstance(data, bool), "invalid"),
    (fields.CharField, lambda _field, data: isinstance(data, str), "invalid"),
    (fields.UUIDField, lambda _field, data: isinstance(data, str), "invalid"),
    (fields.IntegerField, lambda _field, data: _is_integer(data), "invalid"),
    (fields.FloatField, lambda _field, data: _is_number(data), "invalid"),
    (fields.ChoiceField, _is_choice, "invalid_choice"),
]


def _strict(
    field_class: type[fields.Field], accepts: Callable[[fields.Field, Any], bool], error: str
) -> Callable[[fields.Field, Any], Any]:
    lenient = field_class.to_internal_value

    def to_internal_value(self: fields.Field, data: Any) -> Any:
        if _from_json(self) and not accepts(self, data):
            self.fail(error, input=data, value=data)
        return lenient(self, data)

    to_internal_value.strict = True  # type: ignore[attr-defined]
    return to_internal_value


def install_strict_types() -> None:
    for field_class, accepts, error in STRICT:
        if not getattr(field_class.to_internal_value, "strict", False):
            field_class.to_internal_value = _strict(field_class, accepts, error)


class Constant(fields.Field):
    """A read-only field that is always `value`: the discriminator of a `oneOf` answer (schema: a one-value enum)."""

    def __init__(self, value: str, **kwargs: Any) -> None:
        self.value = value
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, _instance: Any) -> str:
        return self.value


def password_min_length() -> int:
    for validator in cast(list[dict[str, Any]], settings.AUTH_PASSWORD_VALIDATORS):
        if validator["NAME"].endswith(".MinimumLengthValidator"):
            return int(validator.get("OPTIONS", {}).get("min_length", 8))
    return 1


class NewPasswordField(fields.CharField):
    """A password being set: the length rule is in the schema and checked here; the list of common passwords is
    checked by the service (Django's validators), as no schema can carry it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_length", password_min_length())
        kwargs.setdefault("max_length", 256)
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)


# An http(s) URL with a host, and a port if any in 0..65535: what apps.core.http.check_url accepts.
HTTP_URL_PATTERN = (
    r"^https?://(\[[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*\]|[^\s/?#@:\[\]]+)"
    r"(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4}))?([/?#]\S*)?$"
)


class HttpUrlField(fields.RegexField):
    """An http or https URL with a host (the schema carries the pattern)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {"invalid": "Must be an http(s) URL."})
        super().__init__(HTTP_URL_PATTERN, **kwargs)


# RFC 3339 date-times only (what the schema's `format: date-time` means): DRF also parses "2024-01-01 10:00".
RFC3339_INPUT_FORMATS = ["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z"]
