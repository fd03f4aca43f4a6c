"""Saved queries in the console: the list, the SQL editor (validated on Sail, problems shown at their line), the jobs
that use a query, and delete (refused while a job runs it). The same selectors and services as the API."""

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.console import ConsoleRequest, console_view, submit, succeeded
from apps.core.console_list import Column, console_list
from apps.core.errors import ApplicationError, Forbidden, NotFound
from apps.core.principal import Principal
from apps.org.access import has
from apps.workloads.models import Query
from apps.workloads.selectors.catalogs import catalog_list
from apps.workloads.selectors.jobs import jobs_using_queries
from apps.workloads.selectors.queries import query_get, query_list
from apps.workloads.services import queries as services
from apps.workloads.services.validation import query_validate, sql_validate
from apps.workloads.sql_validation import SqlCheck
from apps.workloads.views.lists import QUERY_LIST, may_author, team_choices
from apps.workloads.views.query_forms import QueryForm, query_form_error

MANAGE = "CanManageQueries"
COLUMNS = (Column("Name", "name"), Column("Catalog", "catalog"), Column("Tags"), Column("Updated", "updated"))


@console_view
def queries_page(request: ConsoleRequest) -> HttpResponse:
    principal = request.principal
    listing = console_list(
        request,
        query_list(principal=principal).defer("query_text"),
        QUERY_LIST,
        columns=COLUMNS,
        target="query-table",
        noun="query",
        noun_plural="queries",
    )
    if listing.partial:
        return render(request, "workloads/queries/table.html", {"list": listing})
    return render(
        request, "workloads/queries/list.html", {"list": listing, "can_create": may_author(principal, MANAGE)}
    )


def _catalogs(principal: Principal) -> list[tuple[str, str]]:
    return [(c.pk, f"{c.name} ({c.provider})") for c in catalog_list(principal=principal).order_by("name")]


def _url(query: Query) -> str:
    return reverse("workloads-query", args=[query.pk])


@console_view
@require_http_methods(["GET", "POST"])
def query_new(request: ConsoleRequest) -> HttpResponse:
    principal = request.principal
    data = request.POST if request.method == "POST" else None
    form = QueryForm(data, catalogs=_catalogs(principal), teams=team_choices(principal, MANAGE))
    return submit(
        request,
        form,
        lambda data: services.query_create(principal=principal, values=form.values(), team_ids=data["teams"]),
        done=lambda query: succeeded(request, _url(query), f"Query {query.name} saved."),
        page=lambda form: render(request, "workloads/queries/editor.html", {"form": form, "can_edit": True}),
        errors=query_form_error,
    )


@console_view
@require_http_methods(["GET", "POST"])
def query_detail(request: ConsoleRequest, query_id: str) -> HttpResponse:
    """The editor of a saved query (read-only for those who may only see it), with the jobs that run it."""
    principal = request.principal
    query = query_get(principal=principal, query_id=query_id)
    data = request.POST if request.method == "POST" else None
    form = QueryForm(data, catalogs=_catalogs(principal), initial=QueryForm.initial_for(query))
    context: dict[str, Any] = {
        "saved_query": query,
        "can_edit": has(principal, MANAGE, team_ids=query.team_ids),
        "used_by": list(jobs_using_queries(principal=principal, queries=[query]).order_by("job_key")),
    }
    return submit(
        request,
        form,
        lambda data: services.query_update(principal=principal, query=query, values=form.values()),
        done=lambda saved: succeeded(request, _url(saved), f"Query {saved.name} saved."),
        page=lambda form: render(request, "workloads/queries/editor.html", {"form": form, **context}),
        errors=query_form_error,
    )


def _checked(request: ConsoleRequest, check: Any) -> HttpResponse:
    """The problems of a validation, or why there was none: a bad catalog, no Sail server to ask."""
    try:
        result: SqlCheck | None = check()
        context: dict[str, Any] = {"check": result}
    except (Forbidden, NotFound):
        raise
    except ApplicationError as exc:
        context = {"failure": exc.message}
    return render(request, "workloads/queries/_problems.html", context)


@console_view
@require_POST
def sql_check(request: ConsoleRequest) -> HttpResponse:
    """Unsaved SQL from an editor (a query's, or a job's), checked against the catalog the form names."""
    principal = request.principal
    return _checked(
        request,
        lambda: sql_validate(
            principal=principal,
            text=request.POST.get("query_text") or request.POST.get("sql") or "",
            catalog_id=request.POST.get("catalog") or None,
            schema=request.POST.get("catalog_schema", ""),
        ),
    )


@console_view
@require_POST
def query_check(request: ConsoleRequest, query_id: str) -> HttpResponse:
    """A saved query as it is stored, for those who may see it but not author SQL."""
    query = query_get(principal=request.principal, query_id=query_id)
    return _checked(request, lambda: query_validate(principal=request.principal, query=query))


@console_view
@require_POST
def query_delete(request: ConsoleRequest, query_id: str) -> HttpResponse:
    """A query a job runs is refused (409 naming the jobs): the message shows on the page the user came from."""
    query = query_get(principal=request.principal, query_id=query_id)
    services.query_delete(principal=request.principal, query=query)
    return succeeded(request, "workloads-queries", f"Query {query.name} deleted.")
