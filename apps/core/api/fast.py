"""Serializers as the one spelling of the wire shape, without DRF's per-object cost on the way out.

`dump(SerializerClass, objects, many=True)` compiles a serializer class once (its declared fields, sources, nested
serializers and lists) into one generated function per shape that builds an object's dict in one go, and applies
it to rows: the same JSON as `SerializerClass(objects, many=True).data` (tests compare them over every serializer
used this way), at the cost of a dict display per object instead of a field-object walk. What the generated
function does not cover (dotted sources, a missing attribute, a default, a field left out) goes through the
generic getters, field by field; field types it does not know use the field's own `to_representation`, so
correctness never depends on these shortcuts.
"""

import datetime as dt
import keyword
from collections.abc import Callable, Mapping
from typing import Any

import orjson
from django.db.models import Manager
from rest_framework import fields as f
from rest_framework import serializers as s
from rest_framework.settings import ISO_8601, api_settings

Getter = Callable[[Any], Any]
_SKIP = object()  # a field whose source is missing and that is not required: left out, as DRF leaves it out


def _datetime(value: dt.datetime) -> str:
    # DRF's default output: ISO 8601 in UTC with a `Z` (settings.USE_TZ, TIME_ZONE = "UTC").
    if value.tzinfo is not None and value.tzinfo is not dt.UTC:  # the database's values are in UTC already
        value = value.astimezone(dt.UTC)
    if value.__class__ is dt.datetime and value.tzinfo is dt.UTC:
        return _utc_text(value)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _utc_text(value: dt.datetime) -> str:
    """`value.isoformat()` with `Z` for `+00:00`, for a datetime in UTC: orjson writes the same text in a third of the
    time (a page of members writes 1,400 of them), compared over every kind of value in tests/core/test_fast_dump.py."""
    return orjson.dumps(value, option=orjson.OPT_UTC_Z)[1:-1].decode()


def _iso_datetime(field: f.Field) -> bool:
    return isinstance(field, f.DateTimeField) and getattr(field, "format", api_settings.DATETIME_FORMAT) == ISO_8601


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
    if _iso_datetime(field):
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


def _generic(fields: list[tuple[str, f.Field]]) -> Getter:
    """Field by field through `_getter`: every case DRF knows (defaults, fields left out, sources through methods)."""
    getters = [(name, _getter(field)) for name, field in fields]

    def dump_one(obj: Any) -> dict[str, Any]:
        out = {}
        for name, get in getters:
            value = get(obj)
            if value is not _SKIP:
                out[name] = value
        return out

    return dump_one


_PLAIN = {bool: "bool({v})", int: "int({v})", str: "str({v})"}


def _inline(fields: list[tuple[str, f.Field]], *, items: bool) -> Getter:
    """One generated function building the whole dict: attribute (or key) reads and conversions written out, with no
    call per field. It covers plain sources (one name, or `*`); an object it cannot read (a missing attribute or
    key) goes to the generic path."""
    env: dict[str, Any] = {"Manager": Manager}
    lines = ["def dump_one(o):"]
    for i, (_name, field) in enumerate(fields):
        if field.source == "*":
            lines.append(f"    v{i} = o")
        else:
            read = f"o[{field.source!r}]" if items else f"o.{field.source}"
            lines.append(f"    v{i} = {read}")
            # DRF calls what a source names when it is callable (a method), except a related manager.
            lines.append(f"    if callable(v{i}) and not isinstance(v{i}, Manager): v{i} = v{i}()")
        convert, v = _converter(field), f"v{i}"
        expression = _PLAIN[convert].format(v=v) if isinstance(convert, type) and convert in _PLAIN else None
        if expression is None:
            env[f"c{i}"] = convert
            expression = f"c{i}({v})"
        if _iso_datetime(field):
            # A page writes a thousand timestamps: the database's (UTC) ones in one call each, others by `_datetime`.
            env.update(datetime=dt.datetime, UTC=dt.UTC, utc_text=_utc_text)
            utc = f"{v}.__class__ is datetime and {v}.tzinfo is UTC"
            expression = f"(utc_text({v}) if {utc} else {expression})"
        lines.append(f"    {v} = None if {v} is None else {expression}")
    pairs = ", ".join(f"{name!r}: v{i}" for i, (name, _field) in enumerate(fields))
    lines.append(f"    return {{{pairs}}}")
    # The source is built above from the serializer's field names and sources (identifiers) only.
    exec("\n".join(lines), env)
    return env["dump_one"]


def _plain_name(source: str) -> bool:
    return source.isidentifier() and not keyword.iskeyword(source)


def _compiled(serializer_class: type[s.Serializer]) -> Getter:
    if serializer_class in _COMPILED:
        return _COMPILED[serializer_class]
    fields = [(name, field) for name, field in serializer_class().fields.items() if not field.write_only]
    generic = _generic(fields)
    if not all(field.source == "*" or _plain_name(field.source) for _name, field in fields):
        _COMPILED[serializer_class] = generic
        return generic
    by_attribute, by_key = _inline(fields, items=False), _inline(fields, items=True)

    def dump_one(obj: Any) -> dict[str, Any]:
        try:
            return by_key(obj) if isinstance(obj, Mapping) else by_attribute(obj)
        except (AttributeError, KeyError):
            return generic(obj)  # a field left out or defaulted: DRF's rules, field by field

    _COMPILED[serializer_class] = dump_one
    return dump_one


def dump(serializer_class: type[s.Serializer], data: Any, *, many: bool = False) -> Any:
    """The wire form of `data` (an object, or an iterable of them with `many=True`)."""
    one = _compiled(serializer_class)
    if many:
        return [one(item) for item in (data.all() if isinstance(data, Manager) else data)]
    return one(data)
