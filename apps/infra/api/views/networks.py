from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.fast import dump
from apps.core.api.pagination import list_body, marker_page
from apps.core.api.serializers import ErrorSerializer
from apps.infra.api.included import networks_included
from apps.infra.api.serializers.configs import plain
from apps.infra.api.serializers.entities import NetworkSerializer
from apps.infra.api.serializers.requests import NetworkCreateSerializer, NetworkUpdateSerializer
from apps.infra.api.serializers.responses import NetworkDescribeSerializer, NetworkListSerializer
from apps.infra.api.views.connections import MARKER_PARAMS, TAGS
from apps.infra.models import Network
from apps.infra.selectors.connections import connection_get
from apps.infra.selectors.networks import network_get, network_list
from apps.infra.services import networks as services
from apps.org.api.base import OrgApiView
from apps.org.api.views.operations import OperationSerializer

LIST = {200: NetworkListSerializer}


def _page(view: OrgApiView, request: Request, networks) -> Response:
    page = marker_page(networks, request.query_params)
    items = dump(NetworkSerializer, page.objects, many=True)
    return Response(list_body(page, items, included=networks_included(view.principal, page.objects)))


def _described(view: OrgApiView, network: Network) -> Response:
    item = {"id": network.pk, "connectionId": network.connection_id}
    return Response({"item": item, "included": networks_included(view.principal, [network])})


class NetworksView(OrgApiView):
    @extend_schema(tags=TAGS, summary="List cloud networks", parameters=MARKER_PARAMS, responses=LIST)
    def get(self, request: Request) -> Response:
        return _page(self, request, network_list(principal=self.principal))


class NetworkRecordView(OrgApiView):
    @extend_schema(tags=TAGS, summary="Delete a cloud network record", responses={204: None, 409: ErrorSerializer})
    def delete(self, request: Request, network: str) -> Response:
        found = network_get(principal=self.principal, network_id=network)
        services.network_delete(principal=self.principal, network=found)
        return Response(status=204)


class ConnectionNetworksView(OrgApiView):
    @extend_schema(tags=TAGS, summary="List cloud networks by connection", parameters=MARKER_PARAMS, responses=LIST)
    def get(self, request: Request, connection: str) -> Response:
        found = connection_get(principal=self.principal, connection_id=connection)
        return _page(self, request, network_list(principal=self.principal, connection=found))

    @extend_schema(
        tags=TAGS,
        summary="Create a cloud network",
        request=NetworkCreateSerializer,
        responses={201: NetworkSerializer, 409: ErrorSerializer},
    )
    def post(self, request: Request, connection: str) -> Response:
        found = connection_get(principal=self.principal, connection_id=connection)
        data = NetworkCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        network = services.network_create(
            principal=self.principal,
            connection=found,
            name=data.validated_data["name"],
            region=data.validated_data["region"],
            config=plain(data.validated_data.get("config") or {}),
        )
        return Response(dump(NetworkSerializer, network), status=201)


class ConnectionNetworkView(OrgApiView):
    def _network(self, connection: str, network: str) -> Network:
        found = connection_get(principal=self.principal, connection_id=connection)
        return network_get(principal=self.principal, network_id=network, connection=found)

    @extend_schema(tags=TAGS, summary="Describe a cloud network", responses={200: NetworkDescribeSerializer})
    def get(self, request: Request, connection: str, network: str) -> Response:
        return _described(self, self._network(connection, network))

    @extend_schema(
        tags=TAGS, summary="Destroy a cloud network", responses={202: OperationSerializer, 409: ErrorSerializer}
    )
    def delete(self, request: Request, connection: str, network: str) -> Response:
        operation = services.network_destroy(principal=self.principal, network=self._network(connection, network))
        return Response(dump(OperationSerializer, operation), status=202)

    @extend_schema(
        tags=TAGS,
        summary="Update a cloud network",
        request=NetworkUpdateSerializer,
        responses={200: NetworkSerializer, 409: ErrorSerializer},
    )
    def patch(self, request: Request, connection: str, network: str) -> Response:
        found = self._network(connection, network)
        data = NetworkUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        config = data.validated_data.get("config")
        updated = services.network_update(
            principal=self.principal,
            network=found,
            name=data.validated_data.get("name"),
            config=plain(config) if config is not None else None,
        )
        return Response(dump(NetworkSerializer, updated))


class NetworkProvisionView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="Provision a cloud network",
        request=None,
        responses={202: OperationSerializer, 409: ErrorSerializer},
    )
    def post(self, request: Request, connection: str, network: str) -> Response:
        found = connection_get(principal=self.principal, connection_id=connection)
        target = network_get(principal=self.principal, network_id=network, connection=found)
        operation = services.network_provision(principal=self.principal, network=target)
        return Response(dump(OperationSerializer, operation), status=202)
