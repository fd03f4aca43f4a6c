"""The cluster wizard: connection → region → network (existing, or new with its CIDR checked live) → cluster
(engine, instance profile from the connection's catalog, sizes) → review with the estimated hourly cost →
provision, ending on the operation's live progress page.

The choices so far travel in the URL (`connection`, `region`, `network`; `cluster` when going back from the
review), so each step reloads, links and goes back. The cluster step creates the record (`pending`, the API's
create) and the review provisions it: every step is validated by the service the API uses.
"""

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.console import console_view, submit, succeeded
from apps.core.errors import ApplicationError
from apps.infra.forms import ARCHITECTURES, ClusterForm, NetworkForm, cluster_initial, form_error
from apps.infra.models import Connection, ConnectionStatus, Network, ProvisionedCluster, ResourceStatus
from apps.infra.providers.base import InstanceType
from apps.infra.selectors import provider_data
from apps.infra.selectors.clusters import provisioned_cluster_get
from apps.infra.selectors.connections import connection_get, connection_list
from apps.infra.selectors.networks import network_get, network_list
from apps.infra.services import clusters as cluster_services
from apps.infra.services import networks as network_services
from apps.infra.services.clusters import PROVISIONABLE
from apps.org.access import require

STEP_NAMES = ("Connection", "Region", "Network", "Cluster", "Review")
# Networks a new cluster may go into now, or once their provisioning ends.
OFFERED_NETWORKS = (ResourceStatus.ACTIVE, ResourceStatus.PROVISIONING)


def steps(current: int) -> list[dict[str, Any]]:
    return [{"number": i, "name": name, "current": i == current} for i, name in enumerate(STEP_NAMES, 1)]


def wizard_url(**choices: str) -> str:
    query = urlencode({key: value for key, value in choices.items() if value})
    return f"{reverse('infra-cluster-new')}?{query}" if query else reverse("infra-cluster-new")


def _page(request: HttpRequest, step: int, **context: Any) -> HttpResponse:
    return render(request, "infra/cluster_new.html", {"steps": steps(step), "step": step, **context})


@console_view
@require_http_methods(["GET", "POST"])
def cluster_new(request: HttpRequest) -> HttpResponse:
    principal = request.principal  # type: ignore[attr-defined]
    require(principal, "CanManageClusters")
    params = request.GET
    if not params.get("connection"):
        connections = connection_list(principal=principal).filter(status=ConnectionStatus.ACTIVE)
        return _page(request, 1, connections=list(connections))
    connection = connection_get(principal=principal, connection_id=params["connection"])
    if connection.status != ConnectionStatus.ACTIVE:
        connections = connection_list(principal=principal).filter(status=ConnectionStatus.ACTIVE)
        error = f"The connection {connection.name} is {connection.status}: verify it first."
        return _page(request, 1, connections=list(connections), error=error)
    regions = provider_data.regions(connection=connection)
    region = params.get("region", "")
    if region not in {r.id for r in regions}:
        error = "Choose one of the connection's regions." if region else ""
        return _page(request, 2, connection=connection, regions=regions, error=error)
    if not params.get("network"):
        return _network_step(request, connection, region, NetworkForm(initial={"name": f"{connection.name} network"}))
    network = network_get(principal=principal, network_id=params["network"], connection=connection)
    if network.status != ResourceStatus.ACTIVE:
        return _page(request, 3, connection=connection, region=region, waiting=network)
    return _cluster_step(request, connection, region, network)


def _network_step(request: HttpRequest, connection: Connection, region: str, form: NetworkForm) -> HttpResponse:
    principal = request.principal  # type: ignore[attr-defined]
    networks = network_list(principal=principal, connection=connection).filter(
        region=region, status__in=OFFERED_NETWORKS
    )
    context = {"connection": connection, "region": region, "networks": list(networks), "network_form": form}
    return _page(request, 3, **context)


@console_view
@require_POST
def network_new(request: HttpRequest) -> HttpResponse:
    """A new network for the wizard: created and provisioned at once; the wizard waits on its progress."""
    principal = request.principal  # type: ignore[attr-defined]
    connection = connection_get(principal=principal, connection_id=request.GET.get("connection", ""))
    region = request.GET.get("region", "")
    form = NetworkForm(request.POST)

    def create(data: dict[str, Any]) -> Network:
        network = network_services.network_create(
            principal=principal, connection=connection, name=data["name"], region=region, config=form.config()
        )
        network_services.network_provision(principal=principal, network=network)
        return network

    return submit(
        request,
        form,
        create,
        done=lambda network: succeeded(
            request, wizard_url(connection=connection.pk, region=region, network=network.pk), "Network provisioning."
        ),
        page=lambda f: _network_step(request, connection, region, f),
        errors=form_error,
    )


@console_view
@require_GET
def cidr_check(request: HttpRequest) -> HttpResponse:
    """The CIDR field's live answer (htmx): what creating the network would say about it, before anything exists."""
    principal = request.principal  # type: ignore[attr-defined]
    connection = connection_get(principal=principal, connection_id=request.GET.get("connection", ""))
    cidr = request.GET.get("cidr", "").strip()[:64]
    problems = network_services.network_config_problems(connection=connection, config={"cidr": cidr}) if cidr else {}
    return render(request, "infra/_cidr_check.html", {"cidr": cidr, "problem": problems.get("cidr", "")})


def _filters(params: Any, region: str) -> provider_data.InstanceTypeFilter:
    """The instance-profile filters of the cluster step (anything not a number or an architecture is no filter)."""

    def number(name: str) -> float | None:
        try:
            value = float(str(params.get(name, "")).strip())
        except ValueError:
            return None
        return value if 0 < value < 1e6 else None

    vcpus, memory_gib = number("min_vcpus"), number("min_memory_gib")
    return provider_data.InstanceTypeFilter(
        region=region,
        architecture=params.get("architecture") if params.get("architecture") in ("x86_64", "arm64") else None,
        min_vcpus=int(vcpus) if vcpus else None,
        min_memory_mib=int(memory_gib * 1024) if memory_gib else None,
    )


def _catalog(connection: Connection, region: str, params: Any = None) -> list[InstanceType]:
    """The connection's instance types in `region`, as the filters in `params` let them through."""
    return provider_data.instance_types(connection=connection, filters=_filters(params or {}, region))[0]


def _draft(request: HttpRequest, network: Network) -> ProvisionedCluster | None:
    """The pending cluster the review went back from (its step edits it instead of creating another)."""
    cluster_id = request.GET.get("cluster")
    if not cluster_id:
        return None
    cluster = provisioned_cluster_get(principal=request.principal, cluster_id=cluster_id)  # type: ignore[attr-defined]
    return cluster if cluster.network_id == network.pk and cluster.status in PROVISIONABLE else None


def _cluster_step(request: HttpRequest, connection: Connection, region: str, network: Network) -> HttpResponse:
    principal = request.principal  # type: ignore[attr-defined]
    draft = _draft(request, network)
    posted = request.method == "POST"
    # A GET shows the profiles the filters let through; a POST accepts any profile of the catalog.
    types = _catalog(connection, region, None if posted else request.GET)
    initial = cluster_initial(draft.config, draft.name) if draft else {"name": ""}
    form = ClusterForm(
        request.POST if posted else None, provider=connection.provider, instance_types=types, initial=initial
    )

    def save(data: dict[str, Any]) -> ProvisionedCluster:
        if draft is not None:
            cluster, _operation = cluster_services.cluster_update(
                principal=principal, cluster=draft, name=data["name"], config=form.config()
            )
            return cluster
        return cluster_services.cluster_create(
            principal=principal,
            connection=connection,
            network_id=network.pk,
            name=data["name"],
            region=region,
            config=form.config(),
        )

    def page(f: ClusterForm) -> HttpResponse:
        context = {
            "connection": connection,
            "region": region,
            "network": network,
            "form": f,
            "draft": draft,
            "filters": {key: request.GET.get(key, "") for key in ("min_vcpus", "min_memory_gib", "architecture")},
            "architectures": ARCHITECTURES,
        }
        return _page(request, 4, **context)

    return submit(
        request,
        form,
        save,
        done=lambda cluster: succeeded(request, reverse("infra-cluster-review", args=[cluster.pk])),
        page=page,
        errors=form_error,
    )


@console_view
@require_GET
def instance_types(request: HttpRequest) -> HttpResponse:
    """The instance-profile field with the profiles the filters let through (htmx, as the filters change)."""
    principal = request.principal  # type: ignore[attr-defined]
    connection = connection_get(principal=principal, connection_id=request.GET.get("connection", ""))
    types = _catalog(connection, request.GET.get("region", ""), request.GET)
    form = ClusterForm(
        provider=connection.provider,
        instance_types=types,
        initial={"instance_type": request.GET.get("instance_type", "")},
    )
    return render(request, "infra/_instance_field.html", {"field": form["instance_type"], "count": len(types)})


@console_view
@require_http_methods(["GET", "POST"])
def cluster_review(request: HttpRequest, cluster_id: str) -> HttpResponse:
    """The summary and the estimated hourly cost; provisioning starts the operation and opens its progress page."""
    principal = request.principal  # type: ignore[attr-defined]
    cluster = provisioned_cluster_get(principal=principal, cluster_id=cluster_id)
    if cluster.status not in PROVISIONABLE:
        return redirect("infra-cluster", cluster.pk)
    if request.method == "POST":
        try:
            operation = cluster_services.cluster_provision(principal=principal, cluster=cluster)
        except ApplicationError as exc:
            if exc.status != 409:
                raise
            return _review(request, cluster, error=exc.message)
        return succeeded(request, reverse("infra-operation", args=[operation.pk]))
    return _review(request, cluster)


def _review(request: HttpRequest, cluster: ProvisionedCluster, error: str = "") -> HttpResponse:
    connection = cluster.connection
    group = cluster.config.get("systemNodeGroup") or {}
    wanted = (group.get("instanceTypes") or [""])[0]
    profile = next((t for t in _catalog(connection, cluster.region) if t.id == wanted), None)
    context = {
        "cluster": cluster,
        "group": group,
        "profile": profile,
        "hourly": provider_data.cluster_hourly_estimate(
            connection=connection, region=cluster.region, config=cluster.config
        ),
        "back_url": wizard_url(
            connection=connection.pk, region=cluster.region, network=cluster.network_id, cluster=cluster.pk
        ),
        "error": error,
    }
    return _page(request, 5, **context)
