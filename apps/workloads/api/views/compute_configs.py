"""Compute configs (the reference's workload configs): list, create, describe."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.fast import dump
from apps.core.api.pagination import list_body, marker_page
from apps.core.api.serializers import ErrorSerializer
from apps.infra.api.serializers.configs import plain
from apps.org.api.base import OrgApiView
from apps.workloads.api.serializers.compute_configs import (
    ComputeConfigCreateSerializer,
    ComputeConfigListSerializer,
    ComputeConfigSerializer,
)
from apps.workloads.api.views.common import MARKER_PARAMS, TAGS
from apps.workloads.selectors.compute_configs import compute_config_get, compute_config_list
from apps.workloads.services.compute_configs import compute_config_create


class ComputeConfigsView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="List workload configs",
        parameters=[OpenApiParameter("teamId", str, description="Configs of this team"), *MARKER_PARAMS],
        responses={200: ComputeConfigListSerializer},
    )
    def get(self, request: Request) -> Response:
        """Org admins see every config, others those of their teams; inline configs are not listed."""
        configs = compute_config_list(principal=self.principal, team_id=request.query_params.get("teamId"))
        page = marker_page(configs, request.query_params)
        return Response(list_body(page, dump(ComputeConfigSerializer, page.objects, many=True)))

    @extend_schema(
        tags=TAGS,
        summary="Create a workload config",
        request=ComputeConfigCreateSerializer,
        responses={201: ComputeConfigSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 409: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        """workloadType, clusterId and teamId never change afterwards; the team's first config is its default."""
        data = ComputeConfigCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        body = data.validated_data
        config = compute_config_create(
            principal=self.principal,
            name=body["name"],
            workload_type=body["workloadType"],
            cluster_id=body["clusterId"],
            team_id=body["teamId"],
            config=plain(body.get("config") or {}),
            endpoint_limits=plain(body.get("endpointLimits") or {}),
        )
        return Response(dump(ComputeConfigSerializer, config), status=201)


class ComputeConfigView(OrgApiView):
    @extend_schema(tags=TAGS, summary="Describe a workload config", responses={200: ComputeConfigSerializer})
    def get(self, request: Request, config: str) -> Response:
        found = compute_config_get(principal=self.principal, config_id=config)
        return Response(dump(ComputeConfigSerializer, found))
