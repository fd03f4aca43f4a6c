"""`fast.dump` writes what DRF writes, on its generated path and on the field-by-field one."""

import datetime as dt
import random
from types import SimpleNamespace

from rest_framework import serializers

from apps.core.api.fast import dump


class Inner(serializers.Serializer):
    label = serializers.CharField()


class Shape(serializers.Serializer):
    id = serializers.CharField()
    count = serializers.IntegerField(source="n")
    enabled = serializers.BooleanField()
    at = serializers.DateTimeField(allow_null=True)
    title = serializers.CharField(source="get_title")
    inner = Inner(source="*")
    tags = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField(default="none", required=False)


class Row(SimpleNamespace):
    def get_title(self) -> str:
        return f"Row {self.id}"


AT = dt.datetime(2026, 1, 2, 3, 4, 5, 678, tzinfo=dt.UTC)


def _rows():
    return [
        Row(id="A", n="7", enabled=1, at=AT, label="a", tags=["x", 2], note="kept"),
        Row(id="B", n=0, enabled=False, at=None, label="b", tags=[]),  # no `note`: DRF's default
    ]


def test_objects_are_written_as_drf_writes_them():
    rows = _rows()
    assert dump(Shape, rows, many=True) == Shape(rows, many=True).data
    assert dump(Shape, rows, many=True)[0]["at"] == "2026-01-02T03:04:05.000678Z"


def test_mappings_are_read_by_key():
    rows = [{"id": "C", "n": 1, "enabled": True, "at": AT, "get_title": "T", "label": "c", "tags": ["y"]}]
    assert dump(Shape, rows, many=True) == Shape(rows, many=True).data


def test_a_dotted_source_is_followed():
    class Owner(serializers.Serializer):
        ownerName = serializers.CharField(source="owner.name")

    rows = [SimpleNamespace(owner=SimpleNamespace(name="Ann")), SimpleNamespace(owner=None)]
    assert dump(Owner, rows, many=True) == [{"ownerName": "Ann"}, {"ownerName": None}]


def test_every_kind_of_timestamp_is_written_as_drf_writes_it():
    """UTC ones (the database's) take the short path; another zone, whole seconds, a subclass, and a string take
    DRF's rules."""

    class Stamp(dt.datetime):
        pass

    zone = dt.timezone(dt.timedelta(hours=5, minutes=30))
    values = [
        AT,
        AT.replace(microsecond=0),
        AT.astimezone(zone),
        Stamp(2026, 5, 6, 7, 8, 9, tzinfo=dt.UTC),
        "2026-01-02T03:04:05Z",
    ]
    rows = [Row(id=str(i), n=i, enabled=True, at=at, label="", tags=[]) for i, at in enumerate(values)]
    written = [row["at"] for row in dump(Shape, rows, many=True)]
    assert written == [row["at"] for row in Shape(rows, many=True).data]
    assert written[:3] == ["2026-01-02T03:04:05.000678Z", "2026-01-02T03:04:05Z", "2026-01-02T03:04:05.000678Z"]


def test_utc_timestamps_are_written_as_isoformat_writes_them_over_their_whole_range():
    """The short path writes UTC timestamps with orjson: the same text as DRF (isoformat, `Z`) for any value."""
    rng = random.Random(20261201)
    start = dt.datetime.min.replace(tzinfo=dt.UTC)
    span = (dt.datetime.max - dt.datetime.min) // dt.timedelta(microseconds=1)
    values = [start + dt.timedelta(microseconds=rng.randrange(span)) for _ in range(5000)]
    values += [v.replace(microsecond=0) for v in values[:500]] + [v.replace(microsecond=1000) for v in values[:500]]
    values += [dt.datetime.min.replace(tzinfo=dt.UTC), dt.datetime.max.replace(tzinfo=dt.UTC)]
    rows = [Row(id="", n=0, enabled=True, at=at, label="", tags=[]) for at in values]
    field = serializers.DateTimeField()
    assert [row["at"] for row in dump(Shape, rows, many=True)] == [field.to_representation(at) for at in values]
