import dataclasses

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.fast import dump
from apps.core.api.pagination import list_body, marker_page, parse_limit
from apps.core.api.serializers import ErrorSerializer
from apps.core.errors import InvalidInput
from apps.infra.api.included import connections_included
from apps.infra.api.serializers.configs import plain
from apps.infra.api.serializers.entities import ConnectionSerializer
from apps.infra.api.serializers.requests import (
    ConnectionCreateSerializer,
    ConnectionUpdateSerializer,
    VerifySerializer,
)
from apps.infra.api.serializers.responses import (
    ConnectionListSerializer,
    InstanceTypeListSerializer,
    InstanceTypeSerializer,
    ProviderNetworkListSerializer,
    ProviderNetworkSerializer,
    RegionListSerializer,
    RegionSerializer,
    TemplateSerializer,
)
from apps.infra.selectors import provider_data
from apps.infra.selectors.connections import connection_get, connection_list
from apps.infra.services import connections as services
from apps.org.api.base import OrgApiView
from apps.org.api.views.operations import OperationSerializer

TAGS = ["infra"]
MARKER_PARAMS = [
    OpenApiParameter("limit", int, description="0..100, default 100"),
    OpenApiParameter("marker", str, description="The pagination token returned by the previous page"),
]
REGION_PARAM = OpenApiParameter("region", str, description="Default: the connection's region")


def _out(connection) -> dict:
    return dump(ConnectionSerializer, connection)


class ConnectionsView(OrgApiView):
    @extend_schema(
        tags=TAGS, summary="List cloud accounts", parameters=MARKER_PARAMS, responses={200: ConnectionListSerializer}
    )
    def get(self, request: Request) -> Response:
        page = marker_page(connection_list(principal=self.principal), request.query_params)
        items = dump(ConnectionSerializer, page.objects, many=True)
        return Response(list_body(page, items, included=connections_included(self.principal, page.objects)))

    @extend_schema(
        tags=TAGS,
        summary="Create a cloud account",
        request=ConnectionCreateSerializer,
        responses={201: ConnectionSerializer},
    )
    def post(self, request: Request) -> Response:
        data = ConnectionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        connection = services.connection_create(
            principal=self.principal,
            name=data.validated_data["name"],
            provider=data.validated_data["provider"],
            provider_config=plain(data.validated_data.get("providerConfig") or {}),
        )
        return Response(_out(connection), status=201)


class ConnectionView(OrgApiView):
    @extend_schema(tags=TAGS, summary="Describe a cloud account", responses={200: ConnectionSerializer})
    def get(self, request: Request, connection: str) -> Response:
        return Response(_out(connection_get(principal=self.principal, connection_id=connection)))

    @extend_schema(tags=TAGS, summary="Delete a cloud account", responses={204: None, 409: ErrorSerializer})
    def delete(self, request: Request, connection: str) -> Response:
        found = connection_get(principal=self.principal, connection_id=connection)
        services.connection_delete(principal=self.principal, connection=found)
        return Response(status=204)

    @extend_schema(
        tags=TAGS,
        summary="Update a cloud account",
        request=ConnectionUpdateSerializer,
        responses={200: ConnectionSerializer},
    )
    def patch(self, request: Request, connection: str) -> Response:
        found = connection_get(principal=self.principal, connection_id=connection)
        data = ConnectionUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        config = data.validated_data.get("providerConfig")
        updated = services.connection_update(
            principal=self.principal,
            connection=found,
            name=data.validated_data.get("name"),
            provider_config=plain(config) if config is not None else None,
        )
        return Response(_out(updated))


def _int_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        raise InvalidInput(f"{name} must be a non-negative integer.", field_errors={name: "Must be an integer."})
    return int(raw)


class InstanceTypesView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="List available cloud instance types",
        parameters=[
            REGION_PARAM,
            OpenApiParameter("limit", int, description="0..100, default 100"),
            OpenApiParameter("architecture", str, enum=["x86_64", "arm64"]),
            OpenApiParameter("minVCpus", int),
            OpenApiParameter("minMemoryMiB", int),
        ],
        responses={200: InstanceTypeListSerializer},
    )
    def get(self, request: Request, connection: str) -> Response:
        found = connection_get(principal=self.principal, connection_id=connection)
        architecture = request.query_params.get("architecture") or None
        if architecture not in (None, "x86_64", "arm64"):
            raise InvalidInput("Unknown architecture.", field_errors={"architecture": "Must be x86_64 or arm64."})
        filters = provider_data.InstanceTypeFilter(
            region=request.query_params.get("region") or None,
            architecture=architecture,
            min_vcpus=_int_param(request, "minVCpus"),
            min_memory_mib=_int_param(request, "minMemoryMiB"),
            limit=parse_limit(request.query_params),
        )
        types, metadata = provider_data.instance_types(connection=found, filters=filters)
        items = [
            {
                **dataclasses.asdict(each),
                "provider": found.provider,
                "allocatable_milli_cpu": each.vcpus * 1000
                if each.allocatable_milli_cpu is None
                else each.allocatable_milli_cpu,
            }
            for each in types
        ]
        return Response({"items": dump(InstanceTypeSerializer, items, many=True), "metadata": metadata})


class RegionsView(OrgApiView):
    @extend_schema(tags=TAGS, summary="List available cloud provider regions", responses={200: RegionListSerializer})
    def get(self, request: Request, connection: str) -> Response:
        found = connection_get(principal=self.principal, connection_id=connection)
        regions = [
            {**dataclasses.asdict(r), "provider": found.provider} for r in provider_data.regions(connection=found)
        ]
        return Response({"items": dump(RegionSerializer, regions, many=True)})


class SyncTemplateView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="Sync cloud account IaC template",
        request=None,
        responses={202: OperationSerializer, 409: ErrorSerializer},
    )
    def post(self, request: Request, connection: str) -> Response:
        found = connection_get(principal=self.principal, connection_id=connection)
        operation = services.connection_sync_template(principal=self.principal, connection=found)
        return Response(dump(OperationSerializer, operation), status=202)


class TemplateView(OrgApiView):
    @extend_schema(
        tags=TAGS, summary="Get connection template", responses={200: TemplateSerializer, 409: ErrorSerializer}
    )
    def get(self, request: Request, connection: str) -> Response:
        found = connection_get(principal=self.principal, connection_id=connection)
        template = provider_data.connection_template(principal=self.principal, connection=found)
        return Response(dump(TemplateSerializer, template))


class TemplateDownloadView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="Download connection template",
        responses={
            (200, "text/yaml"): OpenApiResponse(OpenApiTypes.STR, description="The template, as YAML"),
            409: ErrorSerializer,
        },
    )
    def get(self, request: Request, connection: str) -> HttpResponse:
        found = connection_get(principal=self.principal, connection_id=connection)
        template = provider_data.connection_template(principal=self.principal, connection=found)
        response = HttpResponse(template.body, content_type="text/yaml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="lakesail-connection-{found.pk}.yaml"'
        return response


class VerifyView(OrgApiView):
    @extend_schema(
        tags=TAGS, summary="Verify a cloud account", request=VerifySerializer, responses={200: ConnectionSerializer}
    )
    def post(self, request: Request, connection: str) -> Response:
        found = connection_get(principal=self.principal, connection_id=connection)
        data = VerifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        verified = services.connection_verify(
            principal=self.principal, connection=found, role_arn=data.validated_data.get("roleArn") or None
        )
        return Response(_out(verified))


class ProviderNetworksView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="List available cloud provider networks",
        parameters=[REGION_PARAM],
        responses={200: ProviderNetworkListSerializer},
    )
    def get(self, request: Request, connection: str) -> Response:
        found = connection_get(principal=self.principal, connection_id=connection)
        networks = provider_data.provider_networks(connection=found, region=request.query_params.get("region"))
        items = [{**dataclasses.asdict(n), "provider": found.provider} for n in networks]
        return Response({"items": dump(ProviderNetworkSerializer, items, many=True)})
