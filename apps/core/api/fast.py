"""Serializers as the one spelling of the wire shape, without DRF's per-object cost on the way out.

`dump(SerializerClass, objects, many=True)` compiles a serializer class once into plain getter functions (its
declared fields, sources, nested serializers and lists) and applies them to rows: the same JSON as
`SerializerClass(objects, many=True).data` (a test compares them over every serializer used this way), at the cost
of a dict comprehension per object instead of a field-object walk. Field types it does not know fall back to the
field's own `to_representation`, so correctness never depends on this list being complete.
"""

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.db.models import Manager
from rest_framework import fields as f
from rest_framework import serializers as s
from rest_framework.settings import ISO_8601, api_settings

Getter = Callable[[Any], Any]
_SKIP = object()  # a field whose source is missing and that is not required: left out, as DRF leaves it out


def _datetime(value: dt.datetime) -> str:
    # DRF's default output: ISO 8601 in UTC with a `Z` (settings.USE_TZ, TIME_ZONE = "UTC").
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _converter(field: f.Field) -> Getter:
    """value -> wire value, for a non-None value."""
    if isinstance(field, s.ListSerializer):
        child = _compiled(type(field.child)) if isinstance(field.child, s.Serializer) else _converter(field.child)
        return lambda value: [child(item) for item in (value.all() if isinstance(value, Manager) else value)]
    if isinstance(field, s.Serializer):
        return _compiled(type(field))
    if isinstance(field, f.BooleanField):
        return bool
    if isinstance(field, f.IntegerField):
        return int
    if isinstance(field, f.DateTimeField) and getattr(field, "format", api_settings.DATETIME_FORMAT) == ISO_8601:
        return lambda value: _datetime(value) if isinstance(value, dt.datetime) else field.to_representation(value)
    if isinstance(field, f.ChoiceField):
        return field.to_representation
    if isinstance(field, f.CharField | f.EmailField):
        return str
    if isinstance(field, f.ListField):
        child = _converter(field.child)
        return lambda value: [None if item is None else child(item) for item in value]
    if isinstance(field, f.DictField):
        child = _converter(field.child)
        return lambda value: {str(k): None if v is None else child(v) for k, v in value.items()}
    if type(field) is f.JSONField:
        return lambda value: value
    return field.to_representation


def _attribute(obj: Any, attrs: list[str]) -> Any:
    for attr in attrs:
        if obj is None:
            return None
        obj = obj[attr] if isinstance(obj, Mapping) else getattr(obj, attr)
        if callable(obj) and not isinstance(obj, Manager):
            obj = obj()
    return obj


def _getter(field: f.Field) -> Getter:
    convert = _converter(field)
    if field.source == "*":
        return convert
    attrs = field.source.split(".")
    optional = not field.required or field.default is not f.empty

    def get(obj: Any) -> Any:
        try:
            value = _attribute(obj, attrs)
        except (AttributeError, KeyError):
            if field.default is not f.empty:
                return field.get_default()
            if optional:
                return _SKIP
            raise
        return None if value is None else convert(value)

    return get


_COMPILED: dict[type, Getter] = {}


def _compiled(serializer_class: type[s.Serializer]) -> Getter:
    if serializer_class in _COMPILED:
        return _COMPILED[serializer_class]
    getters = [(name, _getter(field)) for name, field in serializer_class().fields.items() if not field.write_only]

    def dump_one(obj: Any) -> dict[str, Any]:
        out = {}
        for name, get in getters:
            value = get(obj)
            if value is not _SKIP:
                out[name] = value
        return out

    _COMPILED[serializer_class] = dump_one
    return dump_one


def dump(serializer_class: type[s.Serializer], data: Any, *, many: bool = False) -> Any:
    """The wire form of `data` (an object, or an iterable of them with `many=True`)."""
    one = _compiled(serializer_class)
    if many:
        return [one(item) for item in (data.all() if isinstance(data, Manager) else data)]
    return one(data)
