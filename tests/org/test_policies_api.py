from apps.identity.models import ServiceAccount


def test_it_sets_describes_lists_and_deletes_a_user_policy(api, bob):
    put = api.put(f"/org/policies/{bob.pk}", {"permissions": ["CanManageConnections", "CanViewJobs"]})
    assert put.status_code == 200
    assert put.json()["principal"] == {"type": "user", "id": bob.pk}
    assert put.json()["permissions"] == ["CanManageConnections", "CanViewJobs"]
    assert api.get(f"/org/policies/{bob.pk}").json()["permissions"] == ["CanManageConnections", "CanViewJobs"]
    assert [p["principal"]["id"] for p in api.get("/org/policies").json()["items"]] == [bob.pk]
    assert api.delete(f"/org/policies/{bob.pk}").status_code == 204
    assert api.get(f"/org/policies/{bob.pk}").status_code == 404


def test_policies_know_teams_and_service_accounts(api, data_team, acme):
    account = ServiceAccount.objects.create(organization=acme, username="ci-bot")
    assert api.put(f"/org/policies/{data_team.pk}", {"permissions": []}).json()["principal"]["type"] == "team"
    assert api.put(f"/org/policies/{account.pk}", {"permissions": []}).json()["principal"]["type"] == "service_account"


def test_policies_are_marker_paginated(api, acme, as_alice):
    from apps.org.services.teams import team_create

    for i in range(5):
        team = team_create(principal=as_alice, name=f"T{i}")
        api.put(f"/org/policies/{team.pk}", {"permissions": ["CanViewJobs"]})
    first = api.get("/org/policies?limit=3").json()
    second = api.get(f"/org/policies?limit=3&marker={first['marker']}").json()
    assert len(first["items"]) == 3 and len(second["items"]) == 2 and "marker" not in second


def test_unknown_and_system_only_permissions_are_refused(api, bob):
    unknown = api.put(f"/org/policies/{bob.pk}", {"permissions": ["CanFly"]})
    assert unknown.status_code == 400 and "permissions" in unknown.json()["details"]["fieldErrors"]
    assert api.put(f"/org/policies/{bob.pk}", {"permissions": ["CanBreakGlass"]}).status_code == 400
    assert api.get(f"/org/policies/{bob.pk}").status_code == 404


def test_a_policy_for_someone_outside_the_org_is_not_found(api, charlie):
    assert api.put(f"/org/policies/{charlie.pk}", {"permissions": ["CanViewJobs"]}).status_code == 404


def test_a_policy_grants_its_permissions(api, api_as, bob, acme):
    client = api_as(bob, acme)
    assert client.post("/org/teams", {"name": "Bob's"}).status_code == 403
    api.put(f"/org/policies/{bob.pk}", {"permissions": ["CanManageTeams"]})
    assert api_as(bob, acme).post("/org/teams", {"name": "Bob's"}).status_code == 201


def test_a_member_cannot_set_policies(api_as, bob, acme):
    assert api_as(bob, acme).put(f"/org/policies/{bob.pk}", {"permissions": ["CanManageTeams"]}).status_code == 403
