"""The infrastructure overview (/infra/): clusters (the console list: search, status filter, sort, pages), then the
connections and networks they run through, each with its status."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.core.console import console_view
from apps.core.console_list import Column, console_list
from apps.infra.models import ResourceStatus
from apps.infra.selectors.clusters import PROVISIONED_CLUSTER_LIST, provisioned_cluster_list
from apps.infra.selectors.connections import connection_list
from apps.infra.selectors.networks import network_list
from apps.org.access import has

CLUSTER_COLUMNS = (
    Column("Cluster", "name"),
    Column("Status", "status"),
    Column("Health", "health"),
    Column("Connection"),
    Column("Network"),
    Column("Region", "region"),
    Column("Last check"),
)


@console_view
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    principal = request.principal  # type: ignore[attr-defined]
    clusters = provisioned_cluster_list(principal=principal).select_related("connection", "network")
    status = request.GET.get("status", "").strip()
    if status in ResourceStatus.values:
        clusters = clusters.filter(status=status)
    listing = console_list(
        request,
        clusters,
        PROVISIONED_CLUSTER_LIST,
        columns=CLUSTER_COLUMNS,
        target="cluster-table",
        noun="cluster",
        filters=("status",),
    )
    if listing.partial:
        return render(request, "infra/_cluster_table.html", {"list": listing})
    context = {
        "list": listing,
        "statuses": ResourceStatus.choices,
        "connections": list(connection_list(principal=principal)),
        "networks": list(network_list(principal=principal).select_related("connection")),
        "can_manage_connections": has(principal, "CanManageConnections"),
        "can_manage_clusters": has(principal, "CanManageClusters"),
    }
    return render(request, "infra/overview.html", context)
