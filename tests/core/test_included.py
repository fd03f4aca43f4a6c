from apps.core.api.included import Included


class Obj:
    def __init__(self, pk, name):
        self.pk, self.name = pk, name


def test_each_included_entity_appears_once():
    a, b = Obj("A", "a"), Obj("B", "b")
    included = (
        Included().add("teams", [a, b, a], lambda o: {"id": o.pk}).add("teams", [b, None], lambda o: {"id": o.pk})
    )
    assert included.as_dict() == {"teams": [{"id": "A"}, {"id": "B"}]}


def test_groups_keep_their_own_entities():
    included = Included().add("teams", [Obj("A", "a")], lambda o: {"id": o.pk})
    included.add("users", [Obj("A", "u")], lambda o: {"name": o.name})
    assert included.as_dict() == {"teams": [{"id": "A"}], "users": [{"name": "u"}]}
