from apps.org.models import Policy, Team, TeamMember


def test_it_creates_a_team_with_the_least_privileged_default_role(api, acme, team_role):
    response = api.post("/org/teams", {"name": "Analytics"})
    assert response.status_code == 201
    body = response.json()
    assert body["team"]["name"] == "Analytics" and body["memberCount"] == 0
    assert body["team"]["defaultRoleId"] == team_role("team_viewer").pk
    assert Team.objects.filter(organization=acme, name="Analytics").exists()


def test_it_refuses_a_duplicate_team_name(api, data_team):
    response = api.post("/org/teams", {"name": "data"})
    assert response.status_code == 409
    assert response.json()["details"]["fieldErrors"] == {"name": "Already taken."}


def test_it_refuses_an_unknown_default_role(api):
    response = api.post("/org/teams", {"name": "X", "defaultRoleId": "NOPE"})
    assert response.status_code == 400
    assert "defaultRoleId" in response.json()["details"]["fieldErrors"]
    assert not Team.objects.filter(name="X").exists()


def test_teams_list_pages_sorts_and_counts(api, as_alice, bob, in_team):
    from apps.org.services.teams import team_create

    teams = [team_create(principal=as_alice, name=f"Team {c}") for c in "CAB"]
    in_team(teams[0], bob)
    response = api.get("/org/teams?limit=2&page=1&sortDirection=desc", max_queries=9)
    body = response.json()
    assert body["total"] == 3
    assert [i["team"]["name"] for i in body["items"]] == ["Team C", "Team B"]
    assert body["items"][0]["memberCount"] == 1


def test_a_member_sees_only_their_own_teams(api_as, bob, acme, as_alice, in_team):
    from apps.org.services.teams import team_create

    mine, other = team_create(principal=as_alice, name="Mine"), team_create(principal=as_alice, name="Other")
    in_team(mine, bob)
    client = api_as(bob, acme)
    assert [i["team"]["id"] for i in client.get("/org/teams").json()["items"]] == [mine.pk]
    assert client.get(f"/org/teams/{other.pk}").status_code == 404
    assert [t["id"] for t in client.get("/me/teams").json()["items"]] == [mine.pk]


def test_it_updates_and_deletes_a_team(api, data_team, acme):
    assert api.patch(f"/org/teams/{data_team.pk}", {"name": "Data Eng"}).json()["team"]["name"] == "Data Eng"
    Policy.objects.create(
        organization=acme, principal_type="team", principal_id=data_team.pk, permissions=["CanViewJobs"]
    )
    assert api.delete(f"/org/teams/{data_team.pk}").status_code == 204
    assert not Team.objects.filter(pk=data_team.pk).exists()
    assert not Policy.objects.filter(principal_id=data_team.pk).exists()


def test_adding_a_member_without_roles_uses_the_default_role(api, data_team, bob, member_of, team_role):
    response = api.post(f"/org/teams/{data_team.pk}/members/{member_of(bob).pk}", {})
    assert response.status_code == 201
    assert response.json()["teamId"] == data_team.pk and response.json()["isAutomatic"] is False
    link = TeamMember.objects.get(team=data_team, member=member_of(bob))
    assert [r.key for r in link.roles.all()] == ["team_viewer"]
    assert api.post(f"/org/teams/{data_team.pk}/members/{member_of(bob).pk}", {}).status_code == 409


def test_team_members_list_has_roles_and_included(api, data_team, bob, in_team, team_role):
    in_team(data_team, bob, "team_admin")
    response = api.get(f"/org/teams/{data_team.pk}/members", max_queries=18)
    body = response.json()
    assert body["total"] == 1
    assert body["items"][0]["teamRoleIds"] == [team_role("team_admin").pk]
    assert body["included"]["users"][0]["user"]["email"] == "bob@acme.test"


def test_replacing_team_member_roles_needs_at_least_one_and_membership(
    api, data_team, bob, member_of, in_team, team_role
):
    path = f"/org/teams/{data_team.pk}/members/{member_of(bob).pk}/roles"
    assert api.put(path, {"roleIds": [team_role("team_viewer").pk]}).status_code == 409
    in_team(data_team, bob)
    assert api.put(path, {"roleIds": []}).status_code == 400
    assert api.put(path, {"roleIds": [team_role("team_viewer").pk]}).status_code == 204
    link = TeamMember.objects.get(team=data_team, member=member_of(bob))
    assert [r.key for r in link.roles.all()] == ["team_viewer"]


def test_removing_a_team_member(api, data_team, bob, member_of, in_team):
    in_team(data_team, bob)
    path = f"/org/teams/{data_team.pk}/members/{member_of(bob).pk}"
    assert api.delete(path).status_code == 204
    assert api.delete(path).status_code == 404


def test_a_member_cannot_manage_teams(api_as, bob, acme, data_team, in_team):
    in_team(data_team, bob)
    client = api_as(bob, acme)
    assert client.post("/org/teams", {"name": "Nope"}).status_code == 403
    assert client.patch(f"/org/teams/{data_team.pk}", {"name": "Nope"}).status_code == 403


def test_a_team_admin_manages_their_team(api_as, bob, acme, data_team, in_team, viewer, member_of):
    in_team(data_team, bob, "team_admin")
    client = api_as(bob, acme)
    assert client.post(f"/org/teams/{data_team.pk}/members/{member_of(viewer).pk}", {}).status_code == 201
    assert client.post("/org/teams", {"name": "Not theirs"}).status_code == 403


def test_another_orgs_team_is_not_found(api_as, charlie, globex, data_team):
    assert api_as(charlie, globex).get(f"/org/teams/{data_team.pk}").status_code == 404


def test_an_organization_wide_viewers_teams_pages_are_the_numbered_pages(as_alice, bob, in_team):
    """Read by a query compiled once (`team_page`): every page, sort direction and size as `numbered_page` gives."""
    from apps.core.api.fast import dump
    from apps.core.api.pagination import numbered_page
    from apps.org.api.serializers.entities import TeamEntrySerializer
    from apps.org.selectors.teams import TEAM_PAGE, team_list, team_page
    from apps.org.services.teams import team_create

    teams = [team_create(principal=as_alice, name=f"Team {c}") for c in "DBECA"]
    in_team(teams[0], bob)
    in_team(teams[2], bob)
    for limit in ("1", "2", "100"):
        for direction in ("asc", "desc"):
            for number in ("1", "2", "3"):
                params = {"limit": limit, "page": number, "sortDirection": direction}
                compiled = team_page(principal=as_alice, params=params)
                plain = numbered_page(team_list(principal=as_alice), params, TEAM_PAGE)
                if compiled is None:  # past the end only
                    assert plain.objects == [] and number != "1"
                    continue
                assert compiled.total == plain.total == 5
                # Named rows against models: the same entries on the wire.
                entries = dump(TeamEntrySerializer, compiled.objects, many=True)
                assert entries == dump(TeamEntrySerializer, plain.objects, many=True)
                assert [(e["team"]["name"], e["memberCount"]) for e in entries] == [
                    (t.name, t.member_count) for t in plain.objects
                ]
    assert team_page(principal=as_alice, params={"search": "Team"}) is None
