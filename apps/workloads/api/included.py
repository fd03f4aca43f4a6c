"""Items and `included` maps of the workloads lists and descriptions: each entity once, one pass per group."""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet

from apps.core.api.fast import dump
from apps.core.api.included import Included
from apps.core.compiled import CompiledQuery
from apps.core.principal import Principal
from apps.org.access import visible_teams
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
from apps.workloads.models import Catalog, JobVersion, Query
from apps.workloads.selectors.jobs import job_row_at, jobs_using_queries, latest_run_rows, team_links, with_numbers

Body = dict[str, Any]


def _team_rows(*, org_id: str, ids: list[str]) -> QuerySet:
    """Teams by name as named rows of the columns `TeamSerializer` shows."""
    columns = [field.source for field in TeamSerializer().fields.values()]
    teams = Team.objects.filter(organization_id=org_id, pk__any=ids).order_by("name", "id")
    return teams.values_list(*columns, named=True)


_TEAM_ROWS = CompiledQuery(_team_rows, "org_id", "ids", lists=("ids",))  # on every page of jobs: compiled once


def _teams(principal: Principal, ids: set[str], *, counted: bool = True) -> Sequence[Any]:
    """These teams (those a resource is shared with), those the principal may see, by name: with member counts
    (`counted`), else as named rows of what `TeamSerializer` shows."""
    if not ids:
        return []
    if counted:
        return list(team_list(principal=principal).filter(pk__in=ids).order_by("name", "id"))
    shown = visible_teams(principal, "CanViewTeams", ids)
    return _TEAM_ROWS.named_rows(org_id=principal.org.pk, ids=shown) if shown else []


def _shared_with(resources: Sequence[Catalog | Query]) -> set[str]:
    return {team_id for resource in resources for team_id in resource.team_ids}


def catalog_items(principal: Principal, catalogs: Sequence[Catalog]) -> tuple[list[Body], Body]:
    # No catalog is provisioned as infrastructure yet: `externalCatalogIds` and `externalCatalogs` stay empty.
    items = [{"catalogId": c.pk, "teamIds": c.team_ids, "externalCatalogIds": []} for c in catalogs]
    included = (
        Included()
        .add("catalogs", catalogs, CatalogSerializer)
        .add("teams", _teams(principal, _shared_with(catalogs)), TeamEntrySerializer)
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
        .add("teams", _teams(principal, _shared_with(queries)), TeamEntrySerializer)
        .add("jobs", jobs, JobSerializer)
    )
    return items, included.as_dict()


class JobRowSerializer(JobSerializer):
    """`JobSerializer` reading the named rows of `selectors.jobs.job_rows`, whose columns are its sources spelled as
    ORM paths (`current_version.config` as `current_version__config`): `dump` writes a row in one generated function
    instead of reading each dotted source field by field."""

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        for field in fields.values():
            if field.source and "." in field.source:
                field.source = field.source.replace(".", "__")
        return fields


def job_items(
    principal: Principal, jobs: Sequence[Any], *, version: JobVersion | None = None
) -> tuple[list[Body], Body]:
    """Jobs (rows of `selectors.jobs.job_rows`) as items and `included`; with `version`, the one job (a row or the
    model) shown with that version's settings. Each group is distinct already (a page's jobs, a run each, the teams)."""
    if version is not None:
        jobs = [job_row_at(job_id=jobs[0].pk, version=version)]
    links = team_links(jobs)
    runs = latest_run_rows(jobs)
    items = [
        {"jobId": j.id, "latestJobRunId": runs[j.id].id if j.id in runs else None, "teamIds": links[j.id]} for j in jobs
    ]
    team_ids = {team_id for ids in links.values() for team_id in ids}
    body = {
        "jobs": dump(JobRowSerializer, jobs, many=True),
        "jobRuns": dump(JobRunSerializer, [runs[j.id] for j in jobs if j.id in runs], many=True),
        "teams": dump(TeamSerializer, _teams(principal, team_ids, counted=False), many=True),
    }
    if version is not None:
        body["jobVersions"] = [dump(JobVersionSerializer, version)]
    return items, body
