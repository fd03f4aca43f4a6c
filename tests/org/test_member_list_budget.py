"""The member and team lists: a fixed query budget whatever the page, and the user facts they show."""

from apps.core import clock
from apps.identity.models import RecoveryCode, TotpDevice, User, UserEmail
from apps.org.models import Member, MemberRole, Role, Team, TeamMember


def _crowd(acme, count: int) -> list[Member]:
    users = User.objects.bulk_create(User(email=f"user{i:04d}@bulk.test", password="!") for i in range(count))
    members = Member.objects.bulk_create(Member(organization=acme, user=u, name=u.email, email=u.email) for u in users)
    role = Role.objects.get(organization=acme, key="member")
    MemberRole.objects.bulk_create(MemberRole(member=m, role=role) for m in members)
    teams = Team.objects.bulk_create(Team(organization=acme, name=f"Team {i:02d}") for i in range(20))
    TeamMember.objects.bulk_create(TeamMember(team=teams[i % 20], member=m) for i, m in enumerate(members))
    return members


def test_member_pages_take_eight_queries_first_or_deepest(api, acme, django_assert_max_num_queries):
    _crowd(acme, 250)
    for query in ("limit=100", "limit=100&page=2", "limit=100&sortBy=email&sortDirection=desc&page=3"):
        with django_assert_max_num_queries(8):  # auth 2, grants 1, ids with the total 1, rows 1, relations 3
            body = api.get(f"/org/members?{query}").json()
        assert body["total"] == 251  # Alice and the crowd
        assert len(body["included"]["teams"]) == len({t for i in body["items"] for t in i["teamRoleIds"]})


def test_team_pages_take_five_queries_and_count_members(api, acme, django_assert_max_num_queries):
    _crowd(acme, 100)
    with django_assert_max_num_queries(5):  # auth 2, grants 1, ids with the total 1, rows 1
        body = api.get("/org/teams?limit=10&page=2").json()
    assert body["total"] == 20
    assert {t["memberCount"] for t in body["items"]} == {5}


def test_user_facts_say_what_the_user_has(api, acme, alice, bob):
    TotpDevice.objects.create(user=alice, secret="s", confirmed_at=clock.now())
    TotpDevice.objects.create(user=bob, secret="s")  # not confirmed: no second factor yet
    RecoveryCode.objects.create(user=alice, code_hash="h1", used_at=clock.now())
    RecoveryCode.objects.create(user=alice, code_hash="h2")
    RecoveryCode.objects.create(user=bob, code_hash="h3", used_at=clock.now())  # all used: none left
    UserEmail.objects.create(user=bob, email="robert@elsewhere.test", verified_at=clock.now())
    users = {u["user"]["id"]: u for u in api.get("/org/members").json()["included"]["users"]}
    assert users[alice.pk]["auth"] == {"has2FA": True, "hasPassword": True, "hasRecovery": True}
    assert users[bob.pk]["auth"] == {"has2FA": False, "hasPassword": True, "hasRecovery": False}
    # The login address first (recorded or not), then the recorded ones in the order they were added.
    assert [e["email"] for e in users[bob.pk]["emails"]] == ["bob@acme.test", "robert@elsewhere.test"]
    assert users[bob.pk]["emails"][1]["verifiedAt"].endswith("Z")
