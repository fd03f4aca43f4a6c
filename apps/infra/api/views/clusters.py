from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.fast import dump
from apps.core.api.pagination import PageOptions, list_body, marker_page, numbered_page
from apps.core.api.serializers import ErrorSerializer
from apps.infra.api.included import my_clusters_included, provisioned_clusters_included
from apps.infra.api.serializers.configs import plain
from apps.infra.api.serializers.entities import ClusterTeamSerializer, ProvisionedClusterSerializer
from apps.infra.api.serializers.requests import ClusterCreateSerializer, ClusterUpdateSerializer, TeamIdsSerializer
from apps.infra.api.serializers.responses import (
    ClusterTeamListSerializer,
    ClusterTeamPageSerializer,
    HealthSerializer,
    KubeconfigSerializer,
    MetricsSerializer,
    MyClusterDescribeSerializer,
    MyClusterItemSerializer,
    MyClusterListSerializer,
    ProvisionedClusterDescribeSerializer,
    ProvisionedClusterItemSerializer,
    ProvisionedClusterListSerializer,
)
from apps.infra.api.views.connections import MARKER_PARAMS, TAGS
from apps.infra.models import ProvisionedCluster
from apps.infra.selectors import provider_data
from apps.infra.selectors.clusters import (
    cluster_get,
    cluster_list,
    cluster_teams,
    provisioned_cluster_get,
    provisioned_cluster_list,
)
from apps.infra.selectors.connections import connection_get
from apps.infra.selectors.metrics import cluster_metrics, parse_period
from apps.infra.services import cluster_teams as team_services
from apps.infra.services import clusters as services
from apps.infra.services.health import cluster_health_check
from apps.org.api.base import OrgApiView
from apps.org.api.serializers.entities import TeamEntrySerializer
from apps.org.api.views.operations import OperationSerializer

MY_CLUSTERS = PageOptions(sort_fields={"name": ("name",)}, default_sort="name")
PAGE_PARAMS = [
    OpenApiParameter("limit", int, description="0..100, default 100"),
    OpenApiParameter("page", int, description="1-based page number"),
    OpenApiParameter("sortBy", str, enum=["name"]),
    OpenApiParameter("sortDirection", str, enum=["asc", "desc"]),
]
OPERATION = {202: OperationSerializer, 409: ErrorSerializer}


def _page(view: OrgApiView, request: Request, clusters) -> Response:
    page = marker_page(clusters, request.query_params, with_total=True)
    items = dump(ProvisionedClusterItemSerializer, page.objects, many=True)
    return Response(list_body(page, items, included=provisioned_clusters_included(view.principal, page.objects)))


def _described(view: OrgApiView, cluster: ProvisionedCluster) -> Response:
    item = dump(ProvisionedClusterItemSerializer, cluster)
    return Response({"item": item, "included": provisioned_clusters_included(view.principal, [cluster])})


class MyClustersView(OrgApiView):
    @extend_schema(
        tags=TAGS, summary="List my clusters", parameters=PAGE_PARAMS, responses={200: MyClusterListSerializer}
    )
    def get(self, request: Request) -> Response:
        """The clusters the caller may run workloads on (CanUseClusters, through their teams or organization-wide)."""
        page = numbered_page(cluster_list(principal=self.principal), request.query_params, MY_CLUSTERS)
        items = dump(MyClusterItemSerializer, page.objects, many=True)
        return Response(list_body(page, items, included=my_clusters_included(page.objects)))


class MyClusterView(OrgApiView):
    @extend_schema(tags=TAGS, summary="Describe an accessible cluster", responses={200: MyClusterDescribeSerializer})
    def get(self, request: Request, cluster: str) -> Response:
        found = cluster_get(principal=self.principal, cluster_id=cluster)
        return Response({"item": dump(MyClusterItemSerializer, found), "included": my_clusters_included([found])})


class ClustersView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="List provisioned clusters",
        parameters=MARKER_PARAMS,
        responses={200: ProvisionedClusterListSerializer},
    )
    def get(self, request: Request) -> Response:
        return _page(self, request, provisioned_cluster_list(principal=self.principal))


class ClusterRecordView(OrgApiView):
    @extend_schema(
        tags=TAGS, summary="Describe a provisioned cluster", responses={200: ProvisionedClusterDescribeSerializer}
    )
    def get(self, request: Request, cluster: str) -> Response:
        return _described(self, provisioned_cluster_get(principal=self.principal, cluster_id=cluster))

    @extend_schema(
        tags=TAGS, summary="Delete a provisioned cluster record", responses={204: None, 409: ErrorSerializer}
    )
    def delete(self, request: Request, cluster: str) -> Response:
        found = provisioned_cluster_get(principal=self.principal, cluster_id=cluster)
        services.cluster_delete(principal=self.principal, cluster=found)
        return Response(status=204)


class ClusterTeamsView(OrgApiView):
    @extend_schema(tags=TAGS, summary="List cluster teams", responses={200: ClusterTeamPageSerializer})
    def get(self, request: Request, cluster: str) -> Response:
        """The teams given access to the cluster: their members view and use it as their team roles allow."""
        teams = list(cluster_teams(cluster=provisioned_cluster_get(principal=self.principal, cluster_id=cluster)))
        return Response({"total": len(teams), "items": dump(TeamEntrySerializer, teams, many=True)})

    @extend_schema(
        tags=TAGS,
        summary="Add teams to a cluster",
        request=TeamIdsSerializer,
        responses={201: ClusterTeamListSerializer},
    )
    def post(self, request: Request, cluster: str) -> Response:
        """Grants teams access to the cluster (teams that have it already keep it)."""
        found = provisioned_cluster_get(principal=self.principal, cluster_id=cluster)
        data = TeamIdsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        links = team_services.cluster_teams_add(
            principal=self.principal, cluster=found, team_ids=data.validated_data["teamIds"]
        )
        return Response({"items": dump(ClusterTeamSerializer, links, many=True)}, status=201)


class ClusterTeamView(OrgApiView):
    @extend_schema(tags=TAGS, summary="Remove a team from a cluster", responses={204: None})
    def delete(self, request: Request, cluster: str, team: str) -> Response:
        """Revokes the team's access: its members keep what another team or their role gives them."""
        found = provisioned_cluster_get(principal=self.principal, cluster_id=cluster)
        team_services.cluster_team_remove(principal=self.principal, cluster=found, team_id=team)
        return Response(status=204)


class ConnectionClustersView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="List provisioned clusters by connection",
        parameters=MARKER_PARAMS,
        responses={200: ProvisionedClusterListSerializer},
    )
    def get(self, request: Request, connection: str) -> Response:
        found = connection_get(principal=self.principal, connection_id=connection)
        return _page(self, request, provisioned_cluster_list(principal=self.principal, connection=found))

    @extend_schema(
        tags=TAGS,
        summary="Create a provisioned cluster",
        request=ClusterCreateSerializer,
        responses={201: ProvisionedClusterSerializer, 409: ErrorSerializer},
    )
    def post(self, request: Request, connection: str) -> Response:
        found = connection_get(principal=self.principal, connection_id=connection)
        data = ClusterCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cluster = services.cluster_create(
            principal=self.principal,
            connection=found,
            network_id=data.validated_data["networkId"],
            name=data.validated_data["name"],
            region=data.validated_data.get("region", ""),
            config=plain(data.validated_data.get("config") or {}),
        )
        return Response(dump(ProvisionedClusterSerializer, cluster), status=201)


class _ConnectionClusterView(OrgApiView):
    def _cluster(self, connection: str, cluster: str) -> ProvisionedCluster:
        found = connection_get(principal=self.principal, connection_id=connection)
        return provisioned_cluster_get(principal=self.principal, cluster_id=cluster, connection=found)


class ConnectionClusterView(_ConnectionClusterView):
    @extend_schema(
        tags=TAGS,
        summary="Describe a provisioned cluster by connection",
        responses={200: ProvisionedClusterDescribeSerializer},
    )
    def get(self, request: Request, connection: str, cluster: str) -> Response:
        return _described(self, self._cluster(connection, cluster))

    @extend_schema(
        tags=TAGS,
        summary="Update a provisioned cluster",
        request=ClusterUpdateSerializer,
        responses={202: ProvisionedClusterSerializer, 409: ErrorSerializer},
    )
    def post(self, request: Request, connection: str, cluster: str) -> Response:
        """Renames, or changes the configuration: an active cluster is then updated by an operation (the job-facing
        cluster's `operationId`), and its status is `updating` until it ends."""
        found = self._cluster(connection, cluster)
        data = ClusterUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        config = data.validated_data.get("config")
        updated, _operation = services.cluster_update(
            principal=self.principal,
            cluster=found,
            name=data.validated_data.get("name"),
            config=plain(config) if config is not None else None,
        )
        return Response(dump(ProvisionedClusterSerializer, updated), status=202)

    @extend_schema(tags=TAGS, summary="Destroy a provisioned cluster", responses=OPERATION)
    def delete(self, request: Request, connection: str, cluster: str) -> Response:
        operation = services.cluster_destroy(principal=self.principal, cluster=self._cluster(connection, cluster))
        return Response(dump(OperationSerializer, operation), status=202)


class ClusterHealthView(_ConnectionClusterView):
    @extend_schema(tags=TAGS, summary="Get provisioned cluster health status", responses={200: HealthSerializer})
    def get(self, request: Request, connection: str, cluster: str) -> Response:
        health = cluster_health_check(cluster=self._cluster(connection, cluster))
        details = health.details
        return Response(
            dump(
                HealthSerializer,
                {
                    "status": health.status,
                    "message": health.message,
                    "providerMetadata": details.get("providerMetadata", {}),
                    "nodeGroups": details.get("nodeGroups", []),
                    "systemPods": details.get("systemPods", []),
                    "totalNodes": details.get("totalNodes", 0),
                    "readyNodes": details.get("readyNodes", 0),
                    "lastCheckedAt": health.checked_at,
                },
            )
        )


class ClusterKubeconfigView(_ConnectionClusterView):
    @extend_schema(
        tags=TAGS,
        summary="Get provisioned cluster kubeconfig",
        responses={200: KubeconfigSerializer, 409: ErrorSerializer},
    )
    def get(self, request: Request, connection: str, cluster: str) -> Response:
        kubeconfig = provider_data.cluster_kubeconfig(
            principal=self.principal, cluster=self._cluster(connection, cluster)
        )
        return Response(dump(KubeconfigSerializer, kubeconfig))


class ClusterMetricsView(_ConnectionClusterView):
    @extend_schema(
        tags=TAGS,
        summary="Get provisioned cluster metrics",
        parameters=[OpenApiParameter("period", str, description="5m to 7d, e.g. 1h (default), 6h, 7d")],
        responses={200: MetricsSerializer},
    )
    def get(self, request: Request, connection: str, cluster: str) -> Response:
        found = self._cluster(connection, cluster)
        metrics = cluster_metrics(cluster=found, period=parse_period(request.query_params.get("period")))
        return Response(dump(MetricsSerializer, metrics))


class ClusterProvisionView(_ConnectionClusterView):
    @extend_schema(tags=TAGS, summary="Provision a cluster", request=None, responses=OPERATION)
    def post(self, request: Request, connection: str, cluster: str) -> Response:
        operation = services.cluster_provision(principal=self.principal, cluster=self._cluster(connection, cluster))
        return Response(dump(OperationSerializer, operation), status=202)
