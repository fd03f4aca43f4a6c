from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.pagination import list_body, numbered_page
from apps.org.api.base import OrgApiView
from apps.org.api.serializers.entities import MemberUpdatedSerializer
from apps.org.api.serializers.members import (
    MemberDescribeSerializer,
    MemberListSerializer,
    member_included,
    member_item,
)
from apps.org.api.serializers.requests import MemberUpdateSerializer, RequiredRoleIdsSerializer
from apps.org.selectors.members import MEMBER_PAGE, member_get, member_page, member_search, parse_member_filter
from apps.org.selectors.relations import member_relations
from apps.org.services import members as services

TAGS = ["members"]
MEMBER_FILTER_SCHEMA = {
    "type": "object",
    "properties": {
        "search": {"type": "string"},
        "roleId": {"type": "string"},
        "teamId": {"type": "string"},
        "isEnabled": {"type": "boolean"},
    },
    "additionalProperties": False,
}
_FIELDS = {"name": "name", "email": "email", "preferences": "preferences", "isEnabled": "is_enabled"}


class MembersView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="Search members",
        parameters=[
            OpenApiParameter("page", int),
            OpenApiParameter("limit", int),
            OpenApiParameter("sortBy", str, enum=["name", "email"]),
            OpenApiParameter("sortDirection", str, enum=["asc", "desc"]),
            OpenApiParameter(
                "filter",
                MEMBER_FILTER_SCHEMA,
                style="deepObject",
                explode=True,
                description='filter[search]=ann&filter[isEnabled]=true; or one JSON object: filter={"search": "ann"}',
            ),
        ],
        responses={200: MemberListSerializer},
    )
    def get(self, request: Request) -> Response:
        member_filter = parse_member_filter(request.query_params)
        page = member_page(principal=self.principal, member_filter=member_filter, params=request.query_params)
        if page is None:
            queryset = member_search(principal=self.principal, member_filter=member_filter)
            page = numbered_page(queryset, request.query_params, MEMBER_PAGE)
        relations = member_relations(page.objects)
        items = [member_item(m, relations) for m in page.objects]
        return Response(list_body(page, items, included=member_included(page.objects, relations)))


class MemberView(OrgApiView):
    @extend_schema(tags=TAGS, summary="Describe an organization member", responses={200: MemberDescribeSerializer})
    def get(self, request: Request, member: str) -> Response:
        obj = member_get(principal=self.principal, member_id=member)
        relations = member_relations([obj])
        return Response({"item": member_item(obj, relations), "included": member_included([obj], relations)})

    @extend_schema(
        tags=TAGS, summary="Update a member", request=MemberUpdateSerializer, responses={200: MemberUpdatedSerializer}
    )
    def patch(self, request: Request, member: str) -> Response:
        data = MemberUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = {_FIELDS[k]: v for k, v in data.validated_data.items() if k in _FIELDS}
        obj = services.member_update(
            principal=self.principal, member=member_get(principal=self.principal, member_id=member), **changes
        )
        return Response(MemberUpdatedSerializer(obj).data)

    @extend_schema(tags=TAGS, summary="Remove a member", responses={204: None})
    def delete(self, request: Request, member: str) -> Response:
        services.member_remove(principal=self.principal, member=member_get(principal=self.principal, member_id=member))
        return Response(status=204)


class MemberRolesView(OrgApiView):
    @extend_schema(tags=TAGS, summary="Update member roles", request=RequiredRoleIdsSerializer, responses={204: None})
    def put(self, request: Request, member: str) -> Response:
        data = RequiredRoleIdsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.member_roles_set(
            principal=self.principal,
            member=member_get(principal=self.principal, member_id=member),
            role_ids=data.validated_data["roleIds"],
        )
        return Response(status=204)
