"""JSON columns read with orjson come back as Django's own field reads them, whatever they hold."""

import json

import pytest
from django.db import models
from django.db.models import TextField
from django.db.models.functions import Cast

from apps.core.db.fields import JSONField
from apps.org.models import Member

VALUES = [
    {"theme": "dark", "nested": {"list": [1, 2.5, None, True, "é"], "empty": {}}},
    [1, "two", {"three": 3}],
    [],
    "a plain string",
    12345,
    2**70,  # beyond orjson's 64 bits: Django's own reading takes it
    -(2**70),
    1.5e300,
    {"big": 2**65, "small": 1},
    {"digits in a string": "12345678901234567890123"},
]


@pytest.mark.django_db
@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_a_json_column_reads_back_what_was_written(alice, acme, value):
    member = Member.objects.get(organization=acme, user=alice)
    Member.objects.filter(pk=member.pk).update(preferences=value)
    read, raw = Member.objects.values_list("preferences", Cast("preferences", TextField())).get(pk=member.pk)
    expected = json.loads(raw)  # what Django's own field reads (PostgreSQL writes 1.5e300 back as 301 digits)
    assert read == expected and repr(read) == repr(expected)
    assert read == value or value == 1.5e300


@pytest.mark.django_db
def test_a_key_reads_as_its_value(alice, acme):
    member = Member.objects.get(organization=acme, user=alice)
    Member.objects.filter(pk=member.pk).update(preferences={"count": 7, "name": "x", "list": [1]})
    row = Member.objects.values_list("preferences__count", "preferences__name", "preferences__list").get(pk=member.pk)
    assert row == (7, "x", [1])


def test_models_use_it_and_migrations_name_djangos_field():
    field = Member._meta.get_field("preferences")
    assert isinstance(field, JSONField) and isinstance(field, models.JSONField)
    _name, path, _args, kwargs = field.deconstruct()
    assert path == "django.db.models.JSONField" and kwargs["default"] is dict
