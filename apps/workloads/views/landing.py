"""The workloads section's first page: where jobs, queries, catalogs, sessions and compute configs are."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.core.console import ConsoleRequest, console_view
from apps.workloads.selectors.catalogs import catalog_list
from apps.workloads.selectors.jobs import job_list
from apps.workloads.selectors.queries import query_list


@console_view
@require_GET
def workloads_home(request: ConsoleRequest) -> HttpResponse:
    principal = request.principal
    counts = {
        "jobs": job_list(principal=principal).count(),
        "queries": query_list(principal=principal).count(),
        "catalogs": catalog_list(principal=principal).count(),
    }
    return render(request, "workloads/home.html", {"counts": counts})
