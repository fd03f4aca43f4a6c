"""The fast path (`apps.core.api.fast.dump`) writes exactly what DRF would, for every serializer lists use it with."""

import pytest

from apps.core.api.fast import dump
from apps.org.api.serializers import members as member_wire
from apps.org.models import Member
from apps.org.selectors.relations import member_relations


@pytest.fixture
def page(alice, bob, acme, data_team, in_team):
    in_team(data_team, bob)
    members = list(Member.objects.filter(organization=acme).select_related("user").order_by("email"))
    return members, member_relations(members)


def _drf_included(members, relations) -> dict:
    """The same groups serialized one object at a time, as DRF does it."""
    users = member_wire.member_included(members, relations)["users"]
    return {
        "members": [member_wire.MemberSerializer(m).data for m in members],
        "roles": [member_wire.RoleEntrySerializer(r).data for r in relations.roles],
        "teams": [member_wire.TeamEntrySerializer(t).data for t in relations.teams],
        "teamRoles": [member_wire.TeamRoleEntrySerializer(r).data for r in relations.team_roles],
        "users": users,
        "_entityRelations": member_wire.EntityRelationsSerializer(
            {
                "memberRoles": relations.member_roles,
                "memberTeams": relations.memberships,
                "memberTeamRoles": relations.membership_roles,
            }
        ).data,
    }


def test_the_members_page_is_what_drf_would_write(page):
    members, relations = page
    fast = member_wire.member_included(members, relations)
    assert fast == _drf_included(members, relations)
    assert fast["members"][0]["createdAt"].endswith("Z")


def test_user_entries_are_what_drf_would_write(page):
    members, relations = page
    users = member_wire.member_included(members, relations)["users"]
    for member, entry in zip(members, users, strict=True):
        drf = member_wire.UserEntrySerializer(
            {
                "user": member.user,
                "emails": relations.emails[member.user.pk],
                "auth": entry["auth"],
            }
        ).data
        assert entry == drf


@pytest.mark.parametrize("serializer", [member_wire.MemberSerializer, member_wire.MemberRoleRelationSerializer])
def test_many_and_one_agree(page, serializer):
    members, relations = page
    rows = members if serializer is member_wire.MemberSerializer else relations.member_roles
    assert dump(serializer, rows, many=True) == [serializer(r).data for r in rows]
    assert dump(serializer, rows[0]) == serializer(rows[0]).data
