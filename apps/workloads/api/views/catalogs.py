from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.fast import dump
from apps.core.api.pagination import PageOptions
from apps.core.api.serializers import ErrorSerializer
from apps.infra.api.serializers.requests import TeamIdsSerializer
from apps.org.api.base import OrgApiView
from apps.workloads.api.included import catalog_items, query_items
from apps.workloads.api.serializers.entities import CatalogDescribedSerializer, CatalogSerializer, CatalogTeamSerializer
from apps.workloads.api.serializers.requests import CatalogCreateSerializer, CatalogUpdateSerializer
from apps.workloads.api.serializers.responses import (
    CatalogListSerializer,
    CatalogTeamListSerializer,
    QueryListSerializer,
)
from apps.workloads.api.views.common import MARKER_PARAMS, TAGS, marker_list, numbered_list, page_params
from apps.workloads.selectors.catalogs import (
    catalog_get,
    catalog_list,
    catalog_team_links,
    team_catalogs,
    team_with_catalogs,
)
from apps.workloads.selectors.queries import catalog_queries
from apps.workloads.services import catalogs as services

MY_CATALOGS = PageOptions(sort_fields={"name": ("name",), "updatedAt": ("updated_at",)}, default_sort="name")


class MyCatalogsView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="List my catalogs",
        parameters=page_params(MY_CATALOGS),
        responses={200: CatalogListSerializer},
    )
    def get(self, request: Request) -> Response:
        """The catalogs the caller may see (CanViewCatalogs, through their teams or organization-wide)."""
        catalogs = catalog_list(principal=self.principal)
        return numbered_list(self.principal, request, catalogs, catalog_items, MY_CATALOGS)


class CatalogsView(OrgApiView):
    @extend_schema(tags=TAGS, summary="List catalogs", parameters=MARKER_PARAMS, responses={200: CatalogListSerializer})
    def get(self, request: Request) -> Response:
        return marker_list(self.principal, request, catalog_list(principal=self.principal), catalog_items)

    @extend_schema(
        tags=TAGS,
        summary="Create a catalog",
        request=CatalogCreateSerializer,
        responses={201: CatalogSerializer, 409: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        """Providers: memory, glue, iceberg-rest, unity, onelake, hms; `configWrite` holds their options (secrets
        included, never shown again). 409 if a catalog of the same name exists."""
        data = CatalogCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        catalog = services.catalog_create(
            principal=self.principal,
            name=data.validated_data["name"],
            provider=data.validated_data["provider"],
            config_write=data.validated_data.get("configWrite") or {},
            team_ids=data.validated_data.get("teamIds") or [],
        )
        return Response(dump(CatalogSerializer, catalog), status=201)


class CatalogView(OrgApiView):
    @extend_schema(tags=TAGS, summary="Describe a catalog", responses={200: CatalogDescribedSerializer})
    def get(self, request: Request, catalog: str) -> Response:
        return Response(dump(CatalogDescribedSerializer, catalog_get(principal=self.principal, catalog_id=catalog)))

    @extend_schema(tags=TAGS, summary="Delete a catalog", responses={204: None})
    def delete(self, request: Request, catalog: str) -> Response:
        """Queries that used the catalog are left without one."""
        services.catalog_delete(
            principal=self.principal, catalog=catalog_get(principal=self.principal, catalog_id=catalog)
        )
        return Response(status=204)

    @extend_schema(
        tags=TAGS,
        summary="Update a catalog",
        request=CatalogUpdateSerializer,
        responses={200: CatalogSerializer, 409: ErrorSerializer},
    )
    def patch(self, request: Request, catalog: str) -> Response:
        found = catalog_get(principal=self.principal, catalog_id=catalog)
        data = CatalogUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        updated = services.catalog_update(
            principal=self.principal,
            catalog=found,
            name=data.validated_data.get("name"),
            config_write=data.validated_data.get("configWrite"),
        )
        return Response(dump(CatalogSerializer, updated))


class CatalogTeamsView(OrgApiView):
    @extend_schema(tags=TAGS, summary="List catalog teams", responses={200: CatalogTeamListSerializer})
    def get(self, request: Request, catalog: str) -> Response:
        links = catalog_team_links(catalog=catalog_get(principal=self.principal, catalog_id=catalog))
        return Response({"items": dump(CatalogTeamSerializer, links, many=True)})

    @extend_schema(
        tags=TAGS,
        summary="Add teams to a catalog",
        request=TeamIdsSerializer,
        responses={201: CatalogTeamListSerializer},
    )
    def post(self, request: Request, catalog: str) -> Response:
        found = catalog_get(principal=self.principal, catalog_id=catalog)
        data = TeamIdsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        links = services.catalog_teams_add(
            principal=self.principal, catalog=found, team_ids=data.validated_data["teamIds"]
        )
        return Response({"items": dump(CatalogTeamSerializer, links, many=True)}, status=201)


class CatalogTeamView(OrgApiView):
    @extend_schema(tags=TAGS, summary="Remove a team from a catalog", responses={204: None})
    def delete(self, request: Request, catalog: str, team: str) -> Response:
        found = catalog_get(principal=self.principal, catalog_id=catalog)
        services.catalog_team_remove(principal=self.principal, catalog=found, team_id=team)
        return Response(status=204)


class CatalogQueriesView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="List queries that use a catalog",
        parameters=MARKER_PARAMS,
        responses={200: QueryListSerializer},
    )
    def get(self, request: Request, catalog: str) -> Response:
        found = catalog_get(principal=self.principal, catalog_id=catalog)
        return marker_list(
            self.principal, request, catalog_queries(principal=self.principal, catalog=found), query_items
        )


class TeamCatalogsView(OrgApiView):
    @extend_schema(
        tags=TAGS, summary="List team catalogs", parameters=MARKER_PARAMS, responses={200: CatalogListSerializer}
    )
    def get(self, request: Request, team: str) -> Response:
        """The catalogs shared with the team (a team in which the caller may see catalogs)."""
        found = team_with_catalogs(principal=self.principal, team_id=team)
        return marker_list(self.principal, request, team_catalogs(principal=self.principal, team=found), catalog_items)
