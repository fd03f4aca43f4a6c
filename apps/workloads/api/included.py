"""Items and `included` maps of the workloads lists and descriptions: each entity once, one pass per group."""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from apps.core.api.fast import dump
from apps.core.api.included import Included
from apps.core.principal import Principal
from apps.org.access import visible
from apps.org.api.serializers.entities import TeamEntrySerializer, TeamSerializer
from apps.org.models import Team
from apps.org.selectors.teams import team_list
from apps.workloads.api.serializers.entities import (
    CatalogSerializer,
    JobSerializer,
    JobVersionSerializer,
    QuerySerializer,
)
from apps.workloads.api.serializers.responses import ExternalCatalogSerializer
from apps.workloads.api.serializers.runs import JobRunSerializer
from apps.workloads.models import Catalog, Job, JobVersion, Query
from apps.workloads.selectors.jobs import jobs_using_queries, with_numbers
from apps.workloads.selectors.runs import latest_runs

Body = dict[str, Any]


def _teams(principal: Principal, resources: Sequence[Any], *, counted: bool = True) -> list[Team]:
    """The teams the resources are shared with, those the principal may see (`counted`: with member counts)."""
    ids = {team_id for resource in resources for team_id in resource.team_ids}
    if not ids:
        return []
    teams = (
        team_list(principal=principal)
        if counted
        else visible(Team.objects.all(), principal, "CanViewTeams", team_field="id")
    )
    return list(teams.filter(pk__in=ids).order_by("name", "id"))


def catalog_items(principal: Principal, catalogs: Sequence[Catalog]) -> tuple[list[Body], Body]:
    # No catalog is provisioned as infrastructure yet: `externalCatalogIds` and `externalCatalogs` stay empty.
    items = [{"catalogId": c.pk, "teamIds": c.team_ids, "externalCatalogIds": []} for c in catalogs]
    included = (
        Included()
        .add("catalogs", catalogs, CatalogSerializer)
        .add("teams", _teams(principal, catalogs), TeamEntrySerializer)
        .add("externalCatalogs", [], ExternalCatalogSerializer)
    )
    return items, included.as_dict()


def query_items(principal: Principal, queries: Sequence[Query]) -> tuple[list[Body], Body]:
    jobs = list(with_numbers(list(jobs_using_queries(principal=principal, queries=list(queries))))) if queries else []
    job_ids: dict[str, list[str]] = defaultdict(list)
    for job in jobs:
        job_ids[job.current_version.query_id].append(job.pk)
    items = [
        {"queryId": q.pk, "teamIds": q.team_ids, "catalogId": q.catalog_id, "jobIds": job_ids[q.pk]} for q in queries
    ]
    included = (
        Included()
        .add("queries", queries, QuerySerializer)
        .add("catalogs", [q.catalog for q in queries], CatalogSerializer)
        .add("teams", _teams(principal, queries), TeamEntrySerializer)
        .add("jobs", jobs, JobSerializer)
    )
    return items, included.as_dict()


def job_items(
    principal: Principal, jobs: Sequence[Job], *, version: JobVersion | None = None
) -> tuple[list[Body], Body]:
    """Jobs as items and `included`; with `version`, the one job shown with that version's settings."""
    with_numbers(jobs)
    if version is not None:
        jobs[0].current_version = version  # its settings; `currentVersion` stays the job's own
    latest = latest_runs(jobs=jobs)
    items = [
        {"jobId": j.pk, "latestJobRunId": latest[j.pk].pk if j.pk in latest else None, "teamIds": j.team_ids}
        for j in jobs
    ]
    included = (
        Included()
        .add("jobs", jobs, JobSerializer)
        .add("jobRuns", [latest[j.pk] for j in jobs if j.pk in latest], JobRunSerializer)
        .add("teams", _teams(principal, jobs, counted=False), TeamSerializer)
    )
    body = included.as_dict()
    if version is not None:
        body["jobVersions"] = [dump(JobVersionSerializer, version)]
    return items, body
