from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.fast import dump
from apps.core.api.pagination import list_body, numbered_page
from apps.org.api.base import OrgApiView
from apps.org.api.serializers.entities import TeamEntrySerializer, TeamMembershipSerializer, TeamSerializer
from apps.org.api.serializers.members import member_included
from apps.org.api.serializers.requests import (
    RequiredRoleIdsSerializer,
    RoleIdsSerializer,
    TeamCreateSerializer,
    TeamUpdateSerializer,
)
from apps.org.api.serializers.responses import TeamListSerializer, TeamMemberPageSerializer, TeamPageSerializer
from apps.org.selectors.members import member_get
from apps.org.selectors.relations import member_relations
from apps.org.selectors.teams import TEAM_MEMBER_PAGE, TEAM_PAGE, my_teams, team_get, team_list, team_members, team_page
from apps.org.services import teams as services

TAGS = ["teams"]
PAGE_PARAMS = [
    OpenApiParameter("page", int, description="1-based page number"),
    OpenApiParameter("limit", int, description="0..100, default 100"),
    OpenApiParameter("sortBy", str, enum=["name"]),
    OpenApiParameter("sortDirection", str, enum=["asc", "desc"]),
]


def _entry(team) -> dict:
    return dump(TeamEntrySerializer, team)


class MyTeamsView(OrgApiView):
    @extend_schema(tags=TAGS, summary="List my teams", responses={200: TeamListSerializer})
    def get(self, request: Request) -> Response:
        """Returns all teams that the authenticated user is a member of."""
        return Response({"items": TeamSerializer(my_teams(principal=self.principal), many=True).data})


class TeamsView(OrgApiView):
    @extend_schema(tags=TAGS, summary="List teams", parameters=PAGE_PARAMS, responses={200: TeamPageSerializer})
    def get(self, request: Request) -> Response:
        page = team_page(principal=self.principal, params=request.query_params) or numbered_page(
            team_list(principal=self.principal), request.query_params, TEAM_PAGE
        )
        return Response(list_body(page, dump(TeamEntrySerializer, page.objects, many=True)))

    @extend_schema(
        tags=TAGS, summary="Create a team", request=TeamCreateSerializer, responses={201: TeamEntrySerializer}
    )
    def post(self, request: Request) -> Response:
        data = TeamCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        team = services.team_create(
            principal=self.principal,
            name=data.validated_data["name"],
            default_role_id=data.validated_data.get("defaultRoleId"),
        )
        team.member_count = 0
        return Response(_entry(team), status=201)


class TeamView(OrgApiView):
    @extend_schema(tags=TAGS, summary="Describe a team", responses={200: TeamEntrySerializer})
    def get(self, request: Request, team: str) -> Response:
        return Response(_entry(team_get(principal=self.principal, team_id=team)))

    @extend_schema(
        tags=TAGS, summary="Update a team", request=TeamUpdateSerializer, responses={200: TeamEntrySerializer}
    )
    def patch(self, request: Request, team: str) -> Response:
        data = TeamUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        updated = services.team_update(
            principal=self.principal,
            team=team_get(principal=self.principal, team_id=team),
            name=data.validated_data.get("name"),
            default_role_id=data.validated_data.get("defaultRoleId"),
        )
        return Response(_entry(updated))

    @extend_schema(tags=TAGS, summary="Delete a team", responses={204: None})
    def delete(self, request: Request, team: str) -> Response:
        services.team_delete(principal=self.principal, team=team_get(principal=self.principal, team_id=team))
        return Response(status=204)


class TeamMembersView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="List team members",
        parameters=[*PAGE_PARAMS[:2], OpenApiParameter("sortBy", str, enum=["name", "email"]), PAGE_PARAMS[3]],
        responses={200: TeamMemberPageSerializer},
    )
    def get(self, request: Request, team: str) -> Response:
        team_obj = team_get(principal=self.principal, team_id=team)
        page = numbered_page(team_members(team=team_obj), request.query_params, TEAM_MEMBER_PAGE)
        members = [link.member for link in page.objects]
        relations = member_relations(members)
        items = [
            {
                "memberId": link.member_id,
                "userId": link.member.user_id,
                "roleIds": relations.role_ids(link.member),
                "teamRoleIds": relations.team_role_ids(link.member).get(team_obj.pk, []),
                "isAutomatic": link.is_automatic,
            }
            for link in page.objects
        ]
        return Response(list_body(page, items, included=member_included(members, relations)))


class TeamMemberView(OrgApiView):
    @extend_schema(
        tags=TAGS, summary="Add a team member", request=RoleIdsSerializer, responses={201: TeamMembershipSerializer}
    )
    def post(self, request: Request, team: str, member: str) -> Response:
        data = RoleIdsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        link = services.team_member_add(
            principal=self.principal,
            team=team_get(principal=self.principal, team_id=team),
            member=member_get(principal=self.principal, member_id=member),
            role_ids=data.validated_data["roleIds"],
        )
        return Response(TeamMembershipSerializer(link).data, status=201)

    @extend_schema(tags=TAGS, summary="Remove a team member", responses={204: None})
    def delete(self, request: Request, team: str, member: str) -> Response:
        services.team_member_remove(
            principal=self.principal,
            team=team_get(principal=self.principal, team_id=team),
            member=member_get(principal=self.principal, member_id=member),
        )
        return Response(status=204)


class TeamMemberRolesView(OrgApiView):
    @extend_schema(
        tags=TAGS, summary="Update team member roles", request=RequiredRoleIdsSerializer, responses={204: None}
    )
    def put(self, request: Request, team: str, member: str) -> Response:
        data = RequiredRoleIdsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.team_member_roles_set(
            principal=self.principal,
            team=team_get(principal=self.principal, team_id=team),
            member=member_get(principal=self.principal, member_id=member),
            role_ids=data.validated_data["roleIds"],
        )
        return Response(status=204)
