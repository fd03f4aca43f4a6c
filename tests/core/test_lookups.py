"""`__any` selects what `__in` selects, on columns and on relations, empty lists included."""

import pytest

from apps.org.models import Member, Team, TeamMember


@pytest.mark.django_db
def test_any_matches_in(acme, alice, bob):
    red, blue, _green = (Team.objects.create(organization=acme, name=n) for n in ("Red", "Blue", "Green"))
    wanted = [red.pk, blue.pk, "no-such-team"]
    assert set(Team.objects.filter(pk__any=wanted)) == set(Team.objects.filter(pk__in=wanted)) == {red, blue}
    assert list(Team.objects.filter(pk__any=[])) == []
    assert list(Team.objects.filter(pk__any={red.pk})) == [red]


@pytest.mark.django_db
def test_any_on_a_relation_and_through_a_join(acme, alice, bob):
    team = Team.objects.create(organization=acme, name="Red")
    member = Member.objects.get(organization=acme, user=alice)
    link = TeamMember.objects.create(team=team, member=member)
    assert list(TeamMember.objects.filter(member_id__any=[member.pk])) == [link]
    assert list(TeamMember.objects.filter(member__user_id__any=[alice.pk])) == [link]
    assert list(TeamMember.objects.filter(member_id__any=["someone-else"])) == []
