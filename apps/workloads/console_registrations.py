"""What the workloads domain adds to the console's shared registries (called from WorkloadsConfig.ready): jobs, saved
queries and catalogs to the global search, read through the domain's selectors (what a person may not see never
shows)."""

from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse

from apps.core import console_search
from apps.core.console_search import Hit
from apps.core.principal import Principal
from apps.workloads import console_runs
from apps.workloads.selectors.catalogs import catalog_list
from apps.workloads.selectors.jobs import job_list
from apps.workloads.selectors.queries import query_list


def job_hits(principal: Principal, text: str, limit: int) -> Iterable[Hit]:
    jobs = job_list(principal=principal).filter(Q(job_key__icontains=text) | Q(description__icontains=text))
    for job in jobs.order_by("job_key")[:limit]:
        yield Hit(job.job_key, reverse("workloads-job", args=[job.pk]), f"Job · {job.status}")


def query_hits(principal: Principal, text: str, limit: int) -> Iterable[Hit]:
    queries = query_list(principal=principal).defer("query_text")
    for query in queries.filter(Q(name__icontains=text) | Q(description__icontains=text)).order_by("name")[:limit]:
        yield Hit(query.name, reverse("workloads-query", args=[query.pk]), query.description[:80] or "Saved query")


def catalog_hits(principal: Principal, text: str, limit: int) -> Iterable[Hit]:
    for catalog in catalog_list(principal=principal).filter(name__icontains=text).order_by("name")[:limit]:
        yield Hit(catalog.name, reverse("workloads-catalog", args=[catalog.pk]), f"Catalog · {catalog.provider}")


def register() -> None:
    console_search.register("Jobs", job_hits, order=50)
    console_search.register("Queries", query_hits, order=55)
    console_search.register("Catalogs", catalog_hits, order=60)
    console_runs.register()  # the dashboard's runs card, the cluster page's jobs and runs panels
