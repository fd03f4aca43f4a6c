"""Catalogs in the console: the list, a catalog's page, the editor (its provider's options; secrets write-only) and
delete. The same selectors and services as the API."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.console import ConsoleRequest, console_view, submit, succeeded
from apps.core.console_list import Column, console_list
from apps.core.htmx import is_partial
from apps.org.access import has
from apps.workloads.catalog_providers import OPTIONS, wire_config
from apps.workloads.models import Catalog, CatalogProvider
from apps.workloads.selectors.catalogs import catalog_get, catalog_list
from apps.workloads.selectors.queries import catalog_queries
from apps.workloads.services import catalogs as services
from apps.workloads.views.catalog_forms import CatalogForm, catalog_form_error, option_label
from apps.workloads.views.lists import CATALOG_LIST, may_author, team_choices, team_names

MANAGE = "CanManageCatalogs"
COLUMNS = (Column("Name", "name"), Column("Provider", "provider"), Column("Teams"))


@console_view
def catalogs_page(request: ConsoleRequest) -> HttpResponse:
    principal = request.principal
    listing = console_list(
        request,
        catalog_list(principal=principal),
        CATALOG_LIST,
        columns=COLUMNS,
        target="catalog-table",
        noun="catalog",
    )
    names = team_names(principal, {t for catalog in listing.items for t in catalog.team_ids})
    for catalog in listing.items:
        catalog.team_names = [names.get(t, "another team") for t in catalog.team_ids]
    if listing.partial:
        return render(request, "workloads/catalogs/table.html", {"list": listing})
    return render(
        request, "workloads/catalogs/list.html", {"list": listing, "can_create": may_author(principal, MANAGE)}
    )


def _provider(request: ConsoleRequest) -> str:
    wanted = request.POST.get("provider") or request.GET.get("provider") or CatalogProvider.MEMORY
    return wanted if wanted in CatalogProvider.values else CatalogProvider.MEMORY


@console_view
@require_http_methods(["GET", "POST"])
def catalog_new(request: ConsoleRequest) -> HttpResponse:
    principal = request.principal
    provider = _provider(request)
    teams = team_choices(principal, MANAGE)
    data = request.POST if request.method == "POST" else None
    form = CatalogForm(data, provider=provider, teams=teams, initial={"provider": provider})
    if is_partial(request) and request.method == "GET":
        # The provider changed: its option fields replace the others.
        return render(request, "workloads/catalogs/_options.html", {"form": form})
    return submit(
        request,
        form,
        lambda data: services.catalog_create(
            principal=principal,
            name=data["name"],
            provider=provider,
            config_write=form.config_write(),
            team_ids=data["teams"],
        ),
        done=lambda catalog: succeeded(request, _url(catalog), f"Catalog {catalog.name} created."),
        page=lambda form: render(request, "workloads/catalogs/form.html", {"form": form}),
        errors=catalog_form_error,
    )


def _url(catalog: Catalog) -> str:
    return reverse("workloads-catalog", args=[catalog.pk])


@console_view
def catalog_detail(request: ConsoleRequest, catalog_id: str) -> HttpResponse:
    principal = request.principal
    catalog = catalog_get(principal=principal, catalog_id=catalog_id)
    shown = wire_config(catalog)
    options = []
    for option in OPTIONS[catalog.provider]:
        value = shown.get(f"{option.wire}Configured") if option.secret else shown.get(option.wire)
        value = ", ".join(value) if isinstance(value, list) else value
        options.append({"label": option_label(option.wire), "secret": option.secret, "value": value})
    names = team_names(principal, set(catalog.team_ids))
    context = {
        "catalog": catalog,
        "options": options,
        "teams": [names.get(t, "another team") for t in catalog.team_ids],
        "queries": list(catalog_queries(principal=principal, catalog=catalog).order_by("name")[:50]),
        "can_manage": has(principal, MANAGE, team_ids=catalog.team_ids),
    }
    return render(request, "workloads/catalogs/detail.html", context)


@console_view
@require_http_methods(["GET", "POST"])
def catalog_edit(request: ConsoleRequest, catalog_id: str) -> HttpResponse:
    principal = request.principal
    catalog = catalog_get(principal=principal, catalog_id=catalog_id)
    data = request.POST if request.method == "POST" else None
    form = CatalogForm(data, provider=catalog.provider, catalog=catalog, initial={"name": catalog.name})
    return submit(
        request,
        form,
        lambda data: services.catalog_update(
            principal=principal, catalog=catalog, name=data["name"], config_write=form.config_write()
        ),
        done=lambda saved: succeeded(request, _url(saved), f"Catalog {saved.name} saved."),
        page=lambda form: render(request, "workloads/catalogs/form.html", {"form": form, "catalog": catalog}),
        errors=catalog_form_error,
    )


@console_view
@require_POST
def catalog_delete(request: ConsoleRequest, catalog_id: str) -> HttpResponse:
    catalog = catalog_get(principal=request.principal, catalog_id=catalog_id)
    services.catalog_delete(principal=request.principal, catalog=catalog)
    return succeeded(request, "workloads-catalogs", f"Catalog {catalog.name} deleted.")
