from rest_framework import serializers

from apps.core.api.included import Included


class Obj:
    def __init__(self, pk, name):
        self.pk, self.name = pk, name


class IdOut(serializers.Serializer):
    id = serializers.CharField(source="pk")


class NameOut(serializers.Serializer):
    name = serializers.CharField()


def test_each_included_entity_appears_once():
    a, b = Obj("A", "a"), Obj("B", "b")
    included = Included().add("teams", [a, b, a], IdOut).add("teams", [b, None], IdOut)
    assert included.as_dict() == {"teams": [{"id": "A"}, {"id": "B"}]}


def test_groups_keep_their_own_entities():
    included = Included().add("teams", [Obj("A", "a")], IdOut)
    included.add("users", [Obj("A", "u")], NameOut)
    assert included.as_dict() == {"teams": [{"id": "A"}], "users": [{"name": "u"}]}
