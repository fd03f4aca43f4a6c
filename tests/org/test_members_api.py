from apps.identity.models import User
from apps.identity.services.logins import login_create
from apps.org.models import Member, MemberRole, Role, TeamMember
from apps.org.services.organizations import member_add
from tests.conftest import ApiClient


def test_members_search_has_items_and_included(api, alice, bob, data_team, in_team, acme):
    in_team(data_team, bob)
    response = api.get("/org/members?sortBy=email&sortDirection=desc", max_queries=16)
    body = response.json()
    assert body["total"] == 2
    assert [i["userId"] for i in body["items"]] == [bob.pk, alice.pk]
    bob_item = body["items"][0]
    assert bob_item["roleIds"] == [Role.objects.get(organization=acme, key="member").pk]
    assert list(bob_item["teamRoleIds"]) == [data_team.pk]
    included = body["included"]
    assert {m["email"] for m in included["members"]} == {"alice@acme.test", "bob@acme.test"}
    assert {t["team"]["id"] for t in included["teams"]} == {data_team.pk}
    assert {r["role"]["name"] for r in included["roles"]} == {"Owner", "Member"}
    assert included["users"][0]["auth"]["hasPassword"] is True
    assert len(included["_entityRelations"]["memberRoles"]) == 2


def test_members_filter_by_text_role_team_and_enabled(api, alice, bob, viewer, data_team, in_team, acme):
    in_team(data_team, bob)
    viewer_role = Role.objects.get(organization=acme, key="viewer")

    def emails(query: str) -> list[str]:
        return sorted(m["email"] for m in api.get("/org/members?" + query).json()["included"].get("members", []))

    assert emails("filter[search]=vic") == ["victor@acme.test"]
    assert emails(f"filter[roleId]={viewer_role.pk}") == ["victor@acme.test"]
    assert emails(f"filter[teamId]={data_team.pk}") == ["bob@acme.test"]
    assert emails('filter={"search": "acme.test", "isEnabled": true}') == sorted(
        ["alice@acme.test", "bob@acme.test", "victor@acme.test"]
    )
    Member.objects.filter(user=viewer).update(is_enabled=False)
    assert emails("filter[isEnabled]=false") == ["victor@acme.test"]


def test_a_bad_filter_is_a_400(api):
    response = api.get("/org/members?filter[colour]=red")
    assert response.status_code == 400 and "filter" in response.json()["details"]["fieldErrors"]
    assert api.get("/org/members?filter={not json").status_code == 400


def test_members_list_with_1000_members_runs_constant_queries(api, acme, django_assert_max_num_queries):
    users = User.objects.bulk_create(User(email=f"user{i:04d}@bulk.test", password="!") for i in range(999))
    members = Member.objects.bulk_create(Member(organization=acme, user=u, name=u.email, email=u.email) for u in users)
    member_role = Role.objects.get(organization=acme, key="member")
    MemberRole.objects.bulk_create(MemberRole(member=m, role=member_role) for m in members)
    with django_assert_max_num_queries(16):
        response = api.get("/org/members?limit=100")
    body = response.json()
    assert body["total"] == 1000
    assert len(body["items"]) == 100
    assert len(body["included"]["members"]) == 100
    last_page = api.get("/org/members?limit=100&page=10").json()
    assert len(last_page["items"]) == 100


def test_describe_a_member(api, bob, member_of):
    response = api.get(f"/org/members/{member_of(bob).pk}", max_queries=16)
    assert response.json()["item"]["userId"] == bob.pk
    assert response.json()["included"]["members"][0]["email"] == "bob@acme.test"


def test_update_a_member(api, bob, member_of):
    response = api.patch(f"/org/members/{member_of(bob).pk}", {"name": "Robert", "preferences": {"theme": "dark"}})
    assert response.status_code == 200
    assert response.json()["name"] == "Robert" and response.json()["preferences"] == {"theme": "dark"}


def test_a_disabled_member_can_no_longer_act_in_the_organization(api, bob, member_of, acme):
    _login, token = login_create(user=bob)
    assert ApiClient(token, acme.pk).get("/org/teams").status_code == 200
    assert api.patch(f"/org/members/{member_of(bob).pk}", {"isEnabled": False}).status_code == 200
    assert ApiClient(token, acme.pk).get("/org/teams").status_code == 404
    assert ApiClient(token).get("/me").status_code == 200  # the login is the person's, not the organization's


def test_replace_member_roles(api, bob, member_of, acme):
    admin = Role.objects.get(organization=acme, key="admin")
    assert api.put(f"/org/members/{member_of(bob).pk}/roles", {"roleIds": [admin.pk]}).status_code == 204
    assert list(member_of(bob).roles.values_list("key", flat=True)) == ["admin"]
    assert api.put(f"/org/members/{member_of(bob).pk}/roles", {"roleIds": []}).status_code == 400
    assert api.put(f"/org/members/{member_of(bob).pk}/roles", {"roleIds": ["NOPE"]}).status_code == 400
    assert list(member_of(bob).roles.values_list("key", flat=True)) == ["admin"]


def test_the_last_owner_cannot_be_demoted_or_removed(api, alice, member_of, acme):
    admin = Role.objects.get(organization=acme, key="admin")
    demote = api.put(f"/org/members/{member_of(alice).pk}/roles", {"roleIds": [admin.pk]})
    assert demote.status_code == 409 and demote.json()["code"] == "last_owner"
    assert api.delete(f"/org/members/{member_of(alice).pk}").status_code == 409
    assert api.patch(f"/org/members/{member_of(alice).pk}", {"isEnabled": False}).status_code == 409
    assert member_of(alice).roles.filter(key="owner").exists()


def test_an_owner_can_step_down_when_another_owner_exists(api, alice, bob, member_of, acme):
    owner, admin = (Role.objects.get(organization=acme, key=k) for k in ("owner", "admin"))
    api.put(f"/org/members/{member_of(bob).pk}/roles", {"roleIds": [owner.pk]})
    assert api.put(f"/org/members/{member_of(alice).pk}/roles", {"roleIds": [admin.pk]}).status_code == 204


def test_an_admin_cannot_make_an_owner(api_as, bob, member_of, acme):
    owner, admin = (Role.objects.get(organization=acme, key=k) for k in ("owner", "admin"))
    MemberRole.objects.filter(member=member_of(bob)).update(role=admin)
    response = api_as(bob, acme).put(f"/org/members/{member_of(bob).pk}/roles", {"roleIds": [owner.pk]})
    assert response.status_code == 403 and response.json()["code"] == "grants_exceed_yours"
    assert response.json()["details"]["causedBy"] == "CanManageOwners"
    assert list(member_of(bob).roles.values_list("key", flat=True)) == ["admin"]


def test_removing_a_member_ends_their_access_here_and_their_team_memberships(
    api, bob, member_of, data_team, in_team, acme, globex
):
    in_team(data_team, bob)
    member_add(org=globex, user=bob, role_keys=["member"])
    _login, token = login_create(user=bob)
    member_id = member_of(bob).pk
    assert api.delete(f"/org/members/{member_id}").status_code == 204
    assert not Member.objects.filter(pk=member_id).exists()
    assert not TeamMember.objects.filter(member_id=member_id).exists()
    assert ApiClient(token, acme.pk).get("/org/teams").status_code == 404
    assert ApiClient(token, globex.pk).get("/org/teams").status_code == 200  # other organizations are untouched


def test_a_viewer_cannot_change_members(api_as, viewer, bob, member_of, acme):
    client = api_as(viewer, acme)
    assert client.get("/org/members").status_code == 200
    assert client.patch(f"/org/members/{member_of(bob).pk}", {"name": "X"}).status_code == 403
    assert client.delete(f"/org/members/{member_of(bob).pk}").status_code == 403


def test_another_orgs_member_is_not_found(api_as, charlie, globex, bob, member_of):
    assert api_as(charlie, globex).get(f"/org/members/{member_of(bob).pk}").status_code == 404
    body = api_as(charlie, globex).get("/org/members").json()
    assert [m["email"] for m in body["included"]["members"]] == ["charlie@globex.test"]


def _make_admin(user, acme, member_of):
    MemberRole.objects.filter(member=member_of(user)).update(role=Role.objects.get(organization=acme, key="admin"))


def test_an_admin_cannot_demote_disable_rename_or_remove_an_owner(api_as, alice, bob, member_of, acme):
    _make_admin(bob, acme, member_of)
    as_admin, owner = api_as(bob, acme), member_of(alice).pk
    viewer = Role.objects.get(organization=acme, key="viewer")
    for response in (
        as_admin.put(f"/org/members/{owner}/roles", {"roleIds": [viewer.pk]}),
        as_admin.patch(f"/org/members/{owner}", {"isEnabled": False}),
        as_admin.patch(f"/org/members/{owner}", {"name": "Mallory"}),
        as_admin.delete(f"/org/members/{owner}"),
    ):
        assert response.status_code == 403, response.json()
        assert response.json()["code"] == "grants_exceed_yours"
        assert response.json()["details"]["causedBy"] == "CanManageOwners"
    alice_here = member_of(alice)
    assert alice_here.is_enabled and alice_here.name != "Mallory"
    assert list(alice_here.roles.values_list("key", flat=True)) == ["owner"]


def test_an_admin_cannot_demote_a_second_owner_either(api_as, alice, bob, viewer, member_of, acme):
    """Not only the last Owner: any Owner is out of an Admin's reach."""
    owner_role = Role.objects.get(organization=acme, key="owner")
    MemberRole.objects.filter(member=member_of(viewer)).update(role=owner_role)
    _make_admin(bob, acme, member_of)
    viewer_role = Role.objects.get(organization=acme, key="viewer")
    response = api_as(bob, acme).put(f"/org/members/{member_of(viewer).pk}/roles", {"roleIds": [viewer_role.pk]})
    assert response.status_code == 403


def test_an_admin_still_manages_members_below_them(api_as, bob, viewer, member_of, acme):
    _make_admin(bob, acme, member_of)
    member_role = Role.objects.get(organization=acme, key="member")
    as_admin = api_as(bob, acme)
    assert as_admin.put(f"/org/members/{member_of(viewer).pk}/roles", {"roleIds": [member_role.pk]}).status_code == 204
    assert as_admin.delete(f"/org/members/{member_of(viewer).pk}").status_code == 204


def test_an_owner_removes_another_owner_but_never_the_last(api, api_as, alice, bob, member_of, acme):
    owner_role = Role.objects.get(organization=acme, key="owner")
    MemberRole.objects.filter(member=member_of(bob)).update(role=owner_role)
    assert api.delete(f"/org/members/{member_of(bob).pk}").status_code == 204
    last = api.delete(f"/org/members/{member_of(alice).pk}")
    assert last.status_code == 409 and last.json()["code"] == "last_owner"


def test_a_disabled_owner_can_be_removed_while_an_enabled_one_remains(api, alice, bob, member_of, acme):
    MemberRole.objects.filter(member=member_of(bob)).update(role=Role.objects.get(organization=acme, key="owner"))
    Member.objects.filter(pk=member_of(bob).pk).update(is_enabled=False)
    assert api.delete(f"/org/members/{member_of(bob).pk}").status_code == 204


def test_the_console_keeps_the_last_owner_and_refuses_an_admin(alice, bob, member_of, acme):
    from django.test import Client

    from tests.conftest import PASSWORD

    owner_console = Client()
    owner_console.post("/login/", {"email": alice.email, "password": PASSWORD})
    response = owner_console.post(f"/org/members/{member_of(alice).pk}/remove", follow=True)
    assert "last Owner" in response.content.decode()
    assert Member.objects.filter(pk=member_of(alice).pk).exists()

    _make_admin(bob, acme, member_of)
    admin_console = Client()
    admin_console.post("/login/", {"email": bob.email, "password": PASSWORD})
    admin_console.post(f"/org/members/{member_of(alice).pk}/remove")
    assert admin_console.post(f"/identity/users/{alice.pk}/delete").status_code == 403
    assert Member.objects.filter(pk=member_of(alice).pk).exists()


def test_an_organization_wide_viewers_member_pages_are_the_numbered_pages(as_alice, acme):
    """Read by queries compiled once (`member_page`): the pages `numbered_page` gives of `member_search`, first and
    later, by name and email both ways; a filter goes the general way."""
    from apps.core.api.pagination import numbered_page
    from apps.org.selectors.members import MEMBER_PAGE, member_page, member_search

    for i in range(7):
        user = User.objects.create(email=f"m{i}@acme.test", password="!")
        member_add(org=acme, user=user, role_keys=["member"])
    Member.objects.filter(organization=acme, email__in=["m2@acme.test", "m5@acme.test"]).update(name="Same name")
    for sort in ("name", "email"):
        for direction in ("asc", "desc"):
            for number in ("1", "2", "3"):
                params = {"limit": "3", "page": number, "sortBy": sort, "sortDirection": direction}
                compiled = member_page(principal=as_alice, member_filter={}, params=params)
                plain = numbered_page(member_search(principal=as_alice, member_filter={}), params, MEMBER_PAGE)
                assert compiled.total == plain.total == 8
                shown = [(m.pk, m.name, m.user.email) for m in compiled.objects]
                assert shown == [(m.pk, m.name, m.user.email) for m in plain.objects]
    assert member_page(principal=as_alice, member_filter={"search": "m"}, params={}) is None
