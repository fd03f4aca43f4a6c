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
    owners = api.put(f"/org/policies/{bob.pk}", {"permissions": ["CanManageOwners"]})
    assert owners.status_code == 400 and "System-only" in owners.json()["details"]["fieldErrors"]["permissions"]
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


def _grant(acme, principal_id: str, kind: str, permissions: list[str]) -> None:
    """A policy written directly: the setup of each case, not the behaviour under test."""
    from apps.org.models import Policy

    Policy.objects.create(organization=acme, principal_id=principal_id, principal_type=kind, permissions=permissions)


def test_a_policy_manager_cannot_grant_what_they_do_not_hold(api_as, bob, acme):
    _grant(acme, bob.pk, "user", ["CanManagePolicies", "CanViewPolicies"])
    as_bob = api_as(bob, acme)
    refused = as_bob.put(f"/org/policies/{bob.pk}", {"permissions": ["CanManagePolicies", "CanManageUsers"]})
    assert refused.status_code == 403 and refused.json()["details"]["causedBy"] == "CanManageUsers"
    kept = as_bob.put(f"/org/policies/{bob.pk}", {"permissions": ["CanManagePolicies"]})
    assert kept.status_code == 200  # giving up a grant is always allowed


def test_a_policy_manager_cannot_change_the_policy_of_someone_holding_more(api_as, alice, bob, acme):
    _grant(acme, bob.pk, "user", ["CanManagePolicies", "CanViewPolicies"])
    account = ServiceAccount.objects.create(organization=acme, username="deployer")
    _grant(acme, account.pk, "service_account", ["CanManageClusters"])
    as_bob = api_as(bob, acme)
    assert as_bob.put(f"/org/policies/{account.pk}", {"permissions": []}).status_code == 403
    assert as_bob.delete(f"/org/policies/{account.pk}").status_code == 403
    assert as_bob.put(f"/org/policies/{alice.pk}", {"permissions": []}).status_code == 403  # the Owner
    assert api_as(alice, acme).delete(f"/org/policies/{account.pk}").status_code == 204


def test_an_admin_cannot_set_an_owners_policy(api_as, alice, bob, acme):
    from apps.org.models import MemberRole, Role

    MemberRole.objects.filter(member__user=bob).update(role=Role.objects.get(organization=acme, key="admin"))
    refused = api_as(bob, acme).put(f"/org/policies/{alice.pk}", {"permissions": ["CanViewJobs"]})
    assert refused.status_code == 403 and refused.json()["details"]["causedBy"] == "CanManageOwners"
