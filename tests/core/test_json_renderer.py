"""The API's JSON renderer writes DRF's bytes, through orjson where it can."""

import dataclasses
import datetime as dt
import decimal
import uuid

import pytest
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy
from rest_framework import renderers

from apps.core.api.renderers import JSONRenderer


class Color(TextChoices):
    RED = "red", "Red"


@dataclasses.dataclass
class Point:
    x: int
    y: int


CASES = {
    "plain": {"items": [{"id": "ABC", "n": 1, "ok": True, "none": None, "ratio": 0.25}], "total": 1},
    "unicode": {"name": "Zoë ✓ 数据", "separators": "a\u2028b\u2029c", "quote": 'say "hi"\n'},
    "datetimes": {"at": dt.datetime(2026, 12, 1, 4, 5, 6, 789123, tzinfo=dt.UTC), "day": dt.date(2026, 12, 1)},
    "other types": {
        "amount": decimal.Decimal("12.50"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "lazy": gettext_lazy("Members"),
        "choice": Color.RED,
        "span": dt.timedelta(seconds=90),
    },
    "beyond 64 bits": {"big": 2**70},
    "a key that is not a string": {1: "one"},
    "a list": [1, "two", [3]],
}


@pytest.mark.parametrize("data", CASES.values(), ids=CASES.keys())
def test_the_bytes_are_drfs(data):
    assert JSONRenderer().render(data) == renderers.JSONRenderer().render(data)


def test_what_drf_cannot_write_fails_as_it_does():
    with pytest.raises(TypeError):
        renderers.JSONRenderer().render({"point": Point(1, 2)})
    with pytest.raises(TypeError):
        JSONRenderer().render({"point": Point(1, 2)})


def test_an_indented_answer_and_no_data_are_drfs():
    data = {"a": [1, 2]}
    indented = JSONRenderer().render(data, "application/json; indent=2")
    assert indented == renderers.JSONRenderer().render(data, "application/json; indent=2")
    assert b"\n  " in indented
    assert JSONRenderer().render(None) == b""


def test_api_answers_go_through_it(api):
    response = api.get("/me")
    assert isinstance(response.accepted_renderer, JSONRenderer)
    assert response.content == renderers.JSONRenderer().render(response.json())
