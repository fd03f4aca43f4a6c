from apps.org.models import Role, TeamRole
from apps.org.permissions import CATALOG, RELATIONS


def test_the_permission_catalog_is_public_and_complete(anon):
    response = anon.get("/auth/permissions")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["relation"] for i in items] == [r.relation for r in CATALOG]
    manage_users = next(i for i in items if i["relation"] == "CanManageUsers")
    assert manage_users["validObjectTypes"] == ["organization", "team"]


def test_roles_list_counts_members_and_permissions(api, bob, acme):
    body = api.get("/org/roles?sortDirection=desc", max_queries=9).json()
    assert body["total"] == 4
    assert [i["role"]["name"] for i in body["items"]] == ["Viewer", "Owner", "Member", "Admin"]
    owner = next(i for i in body["items"] if i["role"]["name"] == "Owner")
    assert owner["memberCount"] == 1 and owner["permissionCount"] == len(RELATIONS)
    assert owner["role"]["breakGlass"] is True and owner["role"]["allTeams"] is True


def test_roles_search(api):
    assert [i["role"]["name"] for i in api.get("/org/roles?search=read-only").json()["items"]] == ["Viewer"]


def test_describe_a_role_with_bundles_and_permissions(api, acme):
    viewer = Role.objects.get(organization=acme, key="viewer")
    body = api.get(f"/org/roles/{viewer.pk}").json()
    assert all(p.startswith("CanView") for p in body["item"]["permissionIds"])
    assert len(body["item"]["bundleIds"]) == 1
    bundle_id = body["item"]["bundleIds"][0]
    assert body["item"]["bundlePermissions"][bundle_id] == body["item"]["permissionIds"]
    assert body["included"]["bundles"][0]["code"] == "viewer"
    assert {p["relation"] for p in body["included"]["permissions"]} == set(body["item"]["permissionIds"])


def test_team_roles_only_carry_team_scoped_permissions(api, acme):
    body = api.get("/org/team-roles").json()
    assert [i["role"]["name"] for i in body["items"]] == ["Team Admin", "Team Member", "Team Viewer"]
    admin = TeamRole.objects.get(organization=acme, key="team_admin")
    permissions = api.get(f"/org/team-roles/{admin.pk}").json()["item"]["permissionIds"]
    assert "CanManageTeams" in permissions and "CanManageJobs" in permissions
    assert not {p for p in permissions if "team" not in RELATIONS[p].valid_object_types}


def test_bad_role_list_parameters_are_400(api):
    response = api.get("/org/roles?sortBy=createdAt")
    assert response.status_code == 400 and "sortBy" in response.json()["details"]["fieldErrors"]


def test_another_orgs_role_is_not_found(api, globex):
    other = Role.objects.get(organization=globex, key="owner")
    assert api.get(f"/org/roles/{other.pk}").status_code == 404
