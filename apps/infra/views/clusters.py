"""A cluster's page: status and health (checked again on request), metric charts (CPU, memory, active runs, cost
over 1h/24h/7d, server-rendered SVG), kubeconfig, the panels other domains add (`apps.infra.cluster_panels`),
destroy with the name typed, and deleting the record once nothing is left."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from apps.core import clock
from apps.core.console import console_view, submit, succeeded
from apps.core.context_processors import viewer_timezone
from apps.core.errors import ApplicationError, Conflict
from apps.core.htmx import is_partial
from apps.infra import cluster_panels
from apps.infra.charts import DEFAULT_PERIOD, PERIODS, cluster_charts
from apps.infra.forms import ConfirmNameForm
from apps.infra.models import DELETABLE_STATUSES, ProvisionedCluster, ResourceStatus
from apps.infra.selectors import provider_data
from apps.infra.selectors.clusters import cluster_team_ids, provisioned_cluster_get
from apps.infra.selectors.metrics import cluster_metrics
from apps.infra.services import clusters as services
from apps.infra.services.clusters import PROVISIONABLE
from apps.infra.services.health import CHECKED_STATUSES, cluster_health_check
from apps.org.access import has

# Statuses whose infrastructure may exist and be destroyed.
DESTROYABLE = (ResourceStatus.ACTIVE, ResourceStatus.FAILED)


def _cluster(request: HttpRequest, cluster_id: str) -> ProvisionedCluster:
    return provisioned_cluster_get(principal=request.principal, cluster_id=cluster_id)  # type: ignore[attr-defined]


def _period(request: HttpRequest) -> str:
    period = request.GET.get("period", DEFAULT_PERIOD)
    return period if period in PERIODS else DEFAULT_PERIOD


def _charts_context(request: HttpRequest, cluster: ProvisionedCluster) -> dict[str, Any]:
    period = _period(request)
    context: dict[str, Any] = {"cluster": cluster, "period": period, "periods": list(PERIODS), "charts": []}
    if cluster.status == ResourceStatus.PENDING:
        return context  # nothing ran yet: no samples, and the provider has nothing to ask
    end = clock.now()
    try:
        metrics = cluster_metrics(cluster=cluster, period=PERIODS[period])
    except ApplicationError as exc:  # the provider's metrics source failed: the page still shows the rest
        return {**context, "charts_error": exc.message}
    zone, _source = viewer_timezone(request)
    return {**context, "charts": cluster_charts(metrics, start=end - PERIODS[period], end=end, zone=zone)}


def cluster_page(request: HttpRequest, cluster: ProvisionedCluster, **extra: Any) -> HttpResponse:
    principal = request.principal  # type: ignore[attr-defined]
    can_manage = has(principal, "CanManageClusters", team_ids=cluster_team_ids(cluster))
    context = {
        "cluster": cluster,
        "group": cluster.config.get("systemNodeGroup") or {},
        "can_manage": can_manage,
        "can_destroy": can_manage and cluster.status in DESTROYABLE,
        "can_delete": can_manage and cluster.status in DELETABLE_STATUSES,
        "can_provision": can_manage and cluster.status in PROVISIONABLE,
        "running": cluster.status in CHECKED_STATUSES,
        "panels": cluster_panels.fill(principal, cluster.linked_cluster_id),
        "destroy_form": extra.pop("destroy_form", None) or ConfirmNameForm(expected=cluster.name),
        "delete_form": extra.pop("delete_form", None) or ConfirmNameForm(expected=cluster.name),
        **_charts_context(request, cluster),
        **extra,
    }
    return render(request, "infra/cluster_detail.html", context)


@console_view
@require_GET
def cluster_detail(request: HttpRequest, cluster_id: str) -> HttpResponse:
    return cluster_page(request, _cluster(request, cluster_id))


@console_view
@require_GET
def cluster_charts_partial(request: HttpRequest, cluster_id: str) -> HttpResponse:
    """The charts for another period (htmx swaps them in; without script the link loads the whole page)."""
    cluster = _cluster(request, cluster_id)
    if not is_partial(request):
        return cluster_page(request, cluster)
    return render(request, "infra/_charts.html", _charts_context(request, cluster))


@console_view
@require_GET
def cluster_health(request: HttpRequest, cluster_id: str) -> HttpResponse:
    """Ask the provider now (what `GET .../health` does) and show the answer with the time it was checked."""
    cluster = _cluster(request, cluster_id)
    cluster_health_check(cluster=cluster)
    cluster.refresh_from_db(fields=["last_health_status", "last_health_message", "last_health_check_at"])
    if is_partial(request):
        return render(request, "infra/_health.html", {"cluster": cluster, "running": True})
    return redirect("infra-cluster", cluster.pk)


@console_view
@require_GET
def cluster_kubeconfig(request: HttpRequest, cluster_id: str) -> HttpResponse:
    """The kubeconfig as a file; where it does not apply (local: 409) the cluster page says why."""
    cluster = _cluster(request, cluster_id)
    try:
        kubeconfig = provider_data.cluster_kubeconfig(principal=request.principal, cluster=cluster)  # type: ignore[attr-defined]
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("infra-cluster", cluster.pk)
    response = HttpResponse(kubeconfig.kubeconfig, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kubeconfig-{cluster.name}.yaml"'
    return response


@console_view
@require_POST
def cluster_destroy(request: HttpRequest, cluster_id: str) -> HttpResponse:
    """Destroy the infrastructure once the cluster's name is typed; its progress page follows."""
    principal = request.principal  # type: ignore[attr-defined]
    cluster = _cluster(request, cluster_id)
    return submit(
        request,
        ConfirmNameForm(request.POST, expected=cluster.name),
        lambda data: services.cluster_destroy(principal=principal, cluster=cluster),
        done=lambda operation: succeeded(request, reverse("infra-operation", args=[operation.pk])),
        page=lambda f: cluster_page(request, cluster, destroy_form=f),
    )


@console_view
@require_POST
def cluster_delete(request: HttpRequest, cluster_id: str) -> HttpResponse:
    """Delete the records of a cluster with nothing left in the provider (pending, or destroyed)."""
    principal = request.principal  # type: ignore[attr-defined]
    cluster = _cluster(request, cluster_id)
    return submit(
        request,
        ConfirmNameForm(request.POST, expected=cluster.name),
        lambda data: services.cluster_delete(principal=principal, cluster=cluster),
        done=lambda _: succeeded(request, "infra", f"Cluster {cluster.name} deleted."),
        page=lambda f: cluster_page(request, cluster, delete_form=f),
    )
