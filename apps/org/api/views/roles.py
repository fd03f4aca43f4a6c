from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.pagination import list_body, numbered_page
from apps.org.api.base import ApiView, OrgApiView
from apps.org.api.serializers.entities import (
    BundleSerializer,
    PermissionSerializer,
    RoleEntrySerializer,
    TeamRoleEntrySerializer,
)
from apps.org.api.serializers.responses import (
    PermissionListSerializer,
    RoleDetailSerializer,
    RolePageSerializer,
    TeamRoleDetailSerializer,
    TeamRolePageSerializer,
)
from apps.org.permissions import BUNDLES, CATALOG, RELATIONS
from apps.org.selectors.roles import (
    ROLE_PAGE,
    role_bundles,
    role_get,
    role_list,
    role_permissions,
    team_role_get,
    team_role_list,
    with_permission_counts,
)

PAGE_PARAMS = [
    OpenApiParameter("page", int),
    OpenApiParameter("limit", int),
    OpenApiParameter("search", str),
    OpenApiParameter("sortBy", str, enum=["name"]),
    OpenApiParameter("sortDirection", str, enum=["asc", "desc"]),
]


class PermissionsView(ApiView):
    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(
        tags=["permissions"], summary="List available permissions", responses={200: PermissionListSerializer}, auth=[]
    )
    def get(self, request: Request) -> Response:
        """Every relation of the permission catalog."""
        return Response({"items": PermissionSerializer(CATALOG, many=True).data})


def _detail(role, entry_serializer) -> dict:
    permissions = sorted(role_permissions(role))
    bundles = role_bundles(role)
    return {
        "item": {
            "roleId": role.pk,
            "permissionIds": permissions,
            "bundleIds": [b.pk for b in bundles],
            "bundlePermissions": {b.pk: sorted(BUNDLES[b.code].permissions & set(permissions)) for b in bundles},
        },
        "included": {
            "roles": [entry_serializer(with_permission_counts([role])[0]).data],
            "permissions": PermissionSerializer([RELATIONS[p] for p in permissions], many=True).data,
            "bundles": BundleSerializer(bundles, many=True).data,
        },
    }


class RolesView(OrgApiView):
    @extend_schema(
        tags=["roles"], summary="List organization roles", parameters=PAGE_PARAMS, responses={200: RolePageSerializer}
    )
    def get(self, request: Request) -> Response:
        page = numbered_page(role_list(principal=self.principal), request.query_params, ROLE_PAGE)
        return Response(list_body(page, RoleEntrySerializer(with_permission_counts(page.objects), many=True).data))


class RoleView(OrgApiView):
    @extend_schema(tags=["roles"], summary="Describe an organization role", responses={200: RoleDetailSerializer})
    def get(self, request: Request, role: str) -> Response:
        return Response(_detail(role_get(principal=self.principal, role_id=role), RoleEntrySerializer))


class TeamRolesView(OrgApiView):
    @extend_schema(
        tags=["roles"], summary="List team roles", parameters=PAGE_PARAMS, responses={200: TeamRolePageSerializer}
    )
    def get(self, request: Request) -> Response:
        page = numbered_page(team_role_list(principal=self.principal), request.query_params, ROLE_PAGE)
        return Response(list_body(page, TeamRoleEntrySerializer(with_permission_counts(page.objects), many=True).data))


class TeamRoleView(OrgApiView):
    @extend_schema(tags=["roles"], summary="Describe a team role", responses={200: TeamRoleDetailSerializer})
    def get(self, request: Request, role: str) -> Response:
        return Response(_detail(team_role_get(principal=self.principal, role_id=role), TeamRoleEntrySerializer))
