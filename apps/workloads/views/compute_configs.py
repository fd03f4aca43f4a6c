"""Compute configs in the console: the list and the editor (new, or an existing one's changeable fields)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from apps.core.console import console_view, submit, succeeded
from apps.core.console_list import Column, console_list
from apps.core.principal import Principal
from apps.infra.selectors.clusters import cluster_list
from apps.org.access import grants, has, require
from apps.org.selectors.teams import team_list
from apps.workloads.selectors.compute_configs import COMPUTE_CONFIG_LIST, compute_config_get, compute_config_list
from apps.workloads.services.compute_configs import compute_config_create, compute_config_update
from apps.workloads.views.session_forms import ComputeConfigForm, config_form_error

CONFIG_COLUMNS = (Column("Name", "name"), Column("Team", "team"), Column("Cluster", "cluster"), Column("For"))


def _may_manage(principal: Principal, team_id: str | None = None) -> bool:
    if team_id is not None:
        return has(principal, "CanManageComputeConfigs", team_ids=[team_id])
    return has(principal, "CanManageComputeConfigs") or bool(grants(principal).teams_with("CanManageComputeConfigs"))


@console_view
def compute_configs_page(request: HttpRequest) -> HttpResponse:
    principal = request.principal
    listing = console_list(
        request,
        compute_config_list(principal=principal),
        COMPUTE_CONFIG_LIST,
        columns=CONFIG_COLUMNS,
        target="compute-config-table",
        noun="compute config",
    )
    if listing.partial:
        return render(request, "workloads/compute_configs_table.html", {"list": listing})
    context = {"list": listing, "can_create": _may_manage(principal)}
    return render(request, "workloads/compute_configs.html", context)


def _form(request: HttpRequest, *, editing: bool, initial: dict[str, Any] | None = None) -> ComputeConfigForm:
    principal = request.principal  # type: ignore[attr-defined]
    teams = [] if editing else team_list(principal=principal, relation="CanManageComputeConfigs").order_by("name")
    clusters = [] if editing else cluster_list(principal=principal).order_by("name")
    return ComputeConfigForm(
        request.POST or None,
        teams=[(t.pk, t.name) for t in teams],
        clusters=[(c.pk, c.name) for c in clusters],
        editing=editing,
        initial=initial,
    )


@console_view
@require_http_methods(["GET", "POST"])
def compute_config_new(request: HttpRequest) -> HttpResponse:
    principal = request.principal
    require(principal, "CanManageComputeConfigs", team_ids=grants(principal).teams_with("CanManageComputeConfigs"))
    form = _form(request, editing=False)
    return submit(
        request,
        form,
        lambda data: compute_config_create(
            principal=principal,
            name=data["name"],
            workload_type=data["workload_type"],
            cluster_id=data["cluster"],
            team_id=data["team"],
            config=form.wire_config(),
            endpoint_limits=form.endpoint_limits(),
        ),
        done=lambda config: succeeded(request, "workloads-compute-configs", f"Compute config {config.name} created."),
        page=lambda form: render(request, "workloads/compute_configs_form.html", {"form": form, "config": None}),
        errors=config_form_error,
    )


@console_view
@require_http_methods(["GET", "POST"])
def compute_config_edit(request: HttpRequest, config_id: str) -> HttpResponse:
    principal = request.principal
    config = compute_config_get(principal=principal, config_id=config_id)
    form = _form(request, editing=True, initial=ComputeConfigForm.initial_for(config))
    context = {"config": config, "can_edit": _may_manage(principal, config.team_id) and not config.anonymous}
    return submit(
        request,
        form,
        lambda data: compute_config_update(
            principal=principal,
            compute_config=config,
            name=data["name"],
            config=form.wire_config(config.config),
            endpoint_limits=form.endpoint_limits(),
            is_default=data["is_default"],
        ),
        done=lambda saved: succeeded(request, "workloads-compute-configs", f"Compute config {saved.name} saved."),
        page=lambda form: render(request, "workloads/compute_configs_form.html", {"form": form, **context}),
        errors=config_form_error,
    )
