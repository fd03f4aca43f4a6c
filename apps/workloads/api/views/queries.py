from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.fast import dump
from apps.core.api.pagination import PageOptions
from apps.core.api.serializers import ErrorSerializer
from apps.infra.api.serializers.requests import TeamIdsSerializer
from apps.org.api.base import OrgApiView
from apps.org.api.serializers.entities import TeamEntrySerializer
from apps.org.selectors.teams import team_get, team_list
from apps.workloads.api.included import query_items
from apps.workloads.api.serializers.entities import QuerySerializer, QueryTeamSerializer
from apps.workloads.api.serializers.requests import (
    QueryCreateSerializer,
    QueryFieldsSerializer,
    QueryValidateSerializer,
)
from apps.workloads.api.serializers.responses import (
    QueryDescribeSerializer,
    QueryListSerializer,
    QueryTeamListSerializer,
    SqlValidationSerializer,
    TeamEntryListSerializer,
)
from apps.workloads.api.views.common import MARKER_PARAMS, TAGS, described, marker_list, numbered_list, page_params
from apps.workloads.selectors.queries import query_get, query_list, team_queries
from apps.workloads.services import queries as services
from apps.workloads.services.validation import query_validate, sql_validate

MY_QUERIES = PageOptions(
    sort_fields={"name": ("name",), "updatedAt": ("updated_at",)}, default_sort="updatedAt", search_fields=()
)
VALIDATION = {200: SqlValidationSerializer, 503: ErrorSerializer}


class MyQueriesView(OrgApiView):
    @extend_schema(
        tags=TAGS, summary="List my queries", parameters=page_params(MY_QUERIES), responses={200: QueryListSerializer}
    )
    def get(self, request: Request) -> Response:
        """The saved queries the caller may see (CanViewQueries, through their teams or organization-wide)."""
        return numbered_list(self.principal, request, query_list(principal=self.principal), query_items, MY_QUERIES)


class QueriesView(OrgApiView):
    @extend_schema(tags=TAGS, summary="List queries", parameters=MARKER_PARAMS, responses={200: QueryListSerializer})
    def get(self, request: Request) -> Response:
        return marker_list(self.principal, request, query_list(principal=self.principal), query_items)

    @extend_schema(tags=TAGS, summary="Create a query", request=QueryCreateSerializer, responses={201: QuerySerializer})
    def post(self, request: Request) -> Response:
        data = QueryCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        team_ids = values.pop("teamIds", [])
        query = services.query_create(principal=self.principal, values=values, team_ids=team_ids)
        return Response(dump(QuerySerializer, query), status=201)


class QueryView(OrgApiView):
    @extend_schema(tags=TAGS, summary="Describe a query", responses={200: QueryDescribeSerializer})
    def get(self, request: Request, query: str) -> Response:
        return described(self.principal, query_get(principal=self.principal, query_id=query), query_items)

    @extend_schema(tags=TAGS, summary="Delete a query", responses={204: None, 409: ErrorSerializer})
    def delete(self, request: Request, query: str) -> Response:
        """409 while the current version of a job runs it."""
        services.query_delete(principal=self.principal, query=query_get(principal=self.principal, query_id=query))
        return Response(status=204)

    @extend_schema(tags=TAGS, summary="Update a query", request=QueryFieldsSerializer, responses={200: QuerySerializer})
    def patch(self, request: Request, query: str) -> Response:
        found = query_get(principal=self.principal, query_id=query)
        data = QueryFieldsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        updated = services.query_update(principal=self.principal, query=found, values=dict(data.validated_data))
        return Response(dump(QuerySerializer, updated))


class QueryTeamsView(OrgApiView):
    @extend_schema(tags=TAGS, summary="List query teams", responses={200: TeamEntryListSerializer})
    def get(self, request: Request, query: str) -> Response:
        found = query_get(principal=self.principal, query_id=query)
        teams = list(team_list(principal=self.principal).filter(pk__in=found.team_ids).order_by("name", "id"))
        return Response({"total": len(teams), "items": dump(TeamEntrySerializer, teams, many=True)})

    @extend_schema(
        tags=TAGS, summary="Add teams to a query", request=TeamIdsSerializer, responses={201: QueryTeamListSerializer}
    )
    def post(self, request: Request, query: str) -> Response:
        found = query_get(principal=self.principal, query_id=query)
        data = TeamIdsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        links = services.query_teams_add(principal=self.principal, query=found, team_ids=data.validated_data["teamIds"])
        return Response({"items": dump(QueryTeamSerializer, links, many=True)}, status=201)


class QueryTeamView(OrgApiView):
    @extend_schema(tags=TAGS, summary="Remove a team from a query", responses={204: None})
    def delete(self, request: Request, query: str, team: str) -> Response:
        found = query_get(principal=self.principal, query_id=query)
        services.query_team_remove(principal=self.principal, query=found, team_id=team)
        return Response(status=204)


class TeamQueriesView(OrgApiView):
    @extend_schema(
        tags=TAGS, summary="List team queries", parameters=MARKER_PARAMS, responses={200: QueryListSerializer}
    )
    def get(self, request: Request, team: str) -> Response:
        """The saved queries shared with the team (a team in which the caller may see queries)."""
        found = team_get(principal=self.principal, team_id=team, relation="CanViewQueries")
        return marker_list(self.principal, request, team_queries(principal=self.principal, team=found), query_items)


class QueriesValidateView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="Validate SQL",
        request=QueryValidateSerializer,
        responses=VALIDATION,
    )
    def post(self, request: Request) -> Response:
        """Designed (not in the reference): EXPLAIN each statement on a Sail server serving the catalog, in
        `catalog_schema`; nothing is executed. Errors carry the statement, line and column."""
        data = QueryValidateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        check = sql_validate(
            principal=self.principal,
            text=data.validated_data["queryText"],
            catalog_id=data.validated_data.get("catalogId"),
            schema=data.validated_data.get("catalog_schema", ""),
        )
        return Response(dump(SqlValidationSerializer, check))


class QueryValidateView(OrgApiView):
    @extend_schema(tags=TAGS, summary="Validate a saved query", request=None, responses=VALIDATION)
    def post(self, request: Request, query: str) -> Response:
        """Designed (not in the reference): the saved query's SQL, checked as `POST /workloads/queries/validate`
        checks SQL, against its catalog and schema."""
        check = query_validate(principal=self.principal, query=query_get(principal=self.principal, query_id=query))
        return Response(dump(SqlValidationSerializer, check))
