"""Reads of jobs and their versions (`CanViewJobs`): organization-wide, or through the teams a job is shared with."""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Expression, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from apps.core.api.pagination import KeysetPages, NumberedPages, Page, PageOptions, counter_total
from apps.core.compiled import CompiledQuery
from apps.core.errors import InvalidInput, NotFound
from apps.core.principal import Principal
from apps.infra.models import Cluster
from apps.org.access import sees_all, visible
from apps.org.models import Team
from apps.workloads.models import Job, JobCount, JobRun, JobTeam, JobVersion, Query, VersionStatus
from apps.workloads.selectors.runs import LISTED as RUN_COLUMNS


def _visible_jobs(jobs: QuerySet, principal: Principal, relation: str) -> QuerySet:
    shown = visible(jobs, principal, relation, team_field="teams")
    if not shown.query.distinct:
        return shown
    # Shared through teams: the teams' jobs by a semi-join, not a DISTINCT over every column of the rows a list reads
    # (their current version's settings and the page's probes of drafts and runs, for every visible job).
    return jobs.filter(organization=principal.org, pk__in=shown.values("pk"))


def job_list(*, principal: Principal, relation: str = "CanViewJobs") -> QuerySet[Job]:
    """Jobs with their current version and their team links (see `with_numbers` for what else their wire shows)."""
    links = Prefetch("team_links", queryset=JobTeam.objects.only("id", "job_id", "team_id").order_by("id"))
    jobs = Job.objects.select_related("current_version").prefetch_related(links)
    return _visible_jobs(jobs, principal, relation)


# The columns a job list shows: the sources of `JobSerializer` as ORM paths (`current_version.config` is
# `current_version__config`, the current version's columns by the join), the page's probes (`_listed`) and `pk`
# (`numbered_page` keys the rows it reads by it). A page reads them as named rows rather than model instances and
# their related objects: a third of the CPU of a page of 100 went to building 300 instances.
LISTED = (
    "id", "member_id", "job_key", "latest_version", "current_number", "draft_number", "current_version__based_on",
    "status", "current_version__cluster_id", "description", "current_version__config",
    "current_version__timeout_seconds", "current_version__source_config", "current_version__depends_on",
    "current_version__cron_expression", "current_version__cron_timezone", "current_version__concurrency_policy",
    "current_version__max_concurrent_runs", "current_version__missed_schedule_policy", "next_run_at",
    "last_scheduled_at", "created_at", "created_by", "updated_at", "updated_by", "latest_run_id", "pk",
)  # fmt: skip


@cache
def _listed() -> QuerySet:
    """Every job as a named row of `LISTED`, with its draft's number and its newest run's id: correlated probes of
    one index each (the one-draft constraint's, the runs' `job, -created_at`), which the database computes for the
    rows it returns only, never for counting or skipping. On PostgreSQL, also `team_ids`, the ids of the teams it is
    shared with in its links' order (`ARRAY(...)`, a probe of the links' `job, team` index): the page's team links
    without a query of their own (`team_links` elsewhere), which costs about 1 ms of CPU for a page of 100.

    Built once and only ever filtered (each filter a copy): building it, three subqueries and 27 columns through a
    join, costs more CPU than running a page of it."""
    draft = JobVersion.objects.filter(job=OuterRef("pk"), status=VersionStatus.DRAFT).order_by().values("number")
    newest = JobRun.objects.filter(job_id=OuterRef("pk")).order_by("-created_at", "-id").values("pk")
    probes = {"draft_number": Subquery(draft[:1]), "latest_run_id": Subquery(newest[:1])}
    shared_with: tuple[str, ...] = ()
    if connection.vendor == "postgresql":
        shared = JobTeam.objects.filter(job_id=OuterRef("pk")).order_by("id").values("team_id")
        probes["team_ids"], shared_with = ArraySubquery(shared), ("team_ids",)
    jobs = Job.objects.annotate(current_number=F("current_version__number"), **probes)
    return jobs.values_list(*LISTED, *shared_with, named=True)


def _where(*, team: Team | None = None, cluster: Cluster | None = None) -> Q:
    """Shared with `team`; whose current version runs on `cluster`."""
    where = Q()
    if team is not None:
        where &= Q(team_links__team=team)
    if cluster is not None:
        where &= Q(current_version__cluster=cluster)
    return where


def job_rows(*, principal: Principal, team: Team | None = None, cluster: Cluster | None = None) -> QuerySet:
    """The jobs of `job_list` (shared with `team`, on `cluster`) as named rows of the `LISTED` columns (what
    `JobSerializer` shows of them)."""
    return _visible_jobs(_listed().filter(_where(team=team, cluster=cluster)), principal, "CanViewJobs")


def _organization_rows(*, org_id: str) -> QuerySet:
    return _listed().filter(organization_id=org_id)


def _rows_by_id(*, ids: list[str]) -> QuerySet:
    return _listed().filter(pk__any=ids)


_ROWS_BY_ID = CompiledQuery(_rows_by_id, "ids", lists=("ids",))  # every numbered page of jobs: compiled once


def job_rows_by_id(ids: list[str]) -> list[Any]:
    """Rows of `job_rows` by id, for the ids of a page of a visible list (`numbered_page(rows=...)`)."""
    return _ROWS_BY_ID.named_rows(ids=ids)


def job_rows_counted(
    *, principal: Principal, team: Team | None = None, cluster: Cluster | None = None
) -> QuerySet[Job]:
    """The jobs of `job_rows` with the same arguments, joined to nothing they show: to count them. PostgreSQL counts
    from an index alone only without the rows' join to the current version, which it removes as unused but which
    still keeps the index-only scan out (33,000 jobs: 3 ms instead of 7)."""
    return _visible_jobs(Job.objects.filter(_where(team=team, cluster=cluster)), principal, "CanViewJobs")


def job_total(*, principal: Principal) -> QuerySet | None:
    """The number of jobs of an unfiltered `job_rows` list, read from the organization's counter (`JobCount`), when
    the principal sees every job of it (`CanViewJobs` organization-wide): a query of at most one row and one column,
    to use as a subquery. None when the principal sees only their teams' jobs: then the list is counted."""
    if not sees_all(principal, "CanViewJobs"):
        return None
    return JobCount.objects.filter(organization=principal.org).values_list("jobs", flat=True)


def _job_count(*, org_id: str) -> QuerySet:
    return JobCount.objects.filter(organization_id=org_id).values_list("jobs")


_JOB_COUNT = CompiledQuery(_job_count, "org_id")


def _counted_jobs(*, org_id: str) -> Expression:
    return counter_total(_job_count(org_id=org_id))


# Every page of /workloads/jobs for an organization-wide viewer, with the counter's total: compiled once per page size.
_PAGES = KeysetPages(_organization_rows, "org_id", total=_counted_jobs)


def job_count(*, principal: Principal) -> int | None:
    """The number `job_total` reads, read now (a compiled query: every page of `/workloads/jobs` reads it)."""
    if not sees_all(principal, "CanViewJobs"):
        return None
    found = _JOB_COUNT.rows(org_id=principal.org.pk)  # type: ignore[union-attr]
    return found[0][0] if found else 0


def job_page(*, principal: Principal, params: Mapping[str, str]) -> Page | None:
    """A keyset page of `job_rows` (unfiltered) with its total, for a principal who sees every job of the
    organization: the page and the counter's total read by one query compiled once. None for a team-only caller."""
    if not sees_all(principal, "CanViewJobs"):
        return None
    page = _PAGES.page(params, org_id=principal.org.pk)  # type: ignore[union-attr]
    if page.total is None:  # an empty page: no row to carry it
        page.total = job_count(principal=principal)
    return page


# `/me/jobs`: numbered pages, by job key or creation time.
MY_JOBS = PageOptions(sort_fields={"jobKey": ("job_key",), "createdAt": ("created_at",)}, default_sort="createdAt")


def _organization_jobs(*, org_id: str) -> QuerySet:
    return Job.objects.filter(organization_id=org_id)


_MY_PAGES = NumberedPages(
    _organization_jobs, "org_id", options=MY_JOBS, total=_counted_jobs, rows=job_rows_by_id, wide=_organization_rows
)


def my_job_page(*, principal: Principal, params: Mapping[str, str]) -> Page | None:
    """A page of `/me/jobs` for a principal who sees every job of the organization: ids and the counter's total by a
    query compiled once per sort, rows by another. None where `numbered_page` answers (see `NumberedPages.page`) and
    for a team-only caller."""
    if not sees_all(principal, "CanViewJobs"):
        return None
    return _MY_PAGES.page(params, org_id=principal.org.pk)  # type: ignore[union-attr]


def job_row_get(*, principal: Principal, job_id: str) -> Any:
    """One visible job as a row of `job_rows` (404 as `job_get`)."""
    row = job_rows(principal=principal).filter(pk=job_id).first()
    if row is None:
        raise NotFound("Job not found.", code="job_not_found")
    return row


def job_row_at(*, job_id: str, version: JobVersion) -> Any:
    """The row of `job_rows` of a job (read already, so visible) with `version`'s settings in place of its current
    version's; its numbers stay the job's."""
    row = _listed().filter(pk=job_id).get()
    current = "current_version__"
    return row._replace(
        **{name: getattr(version, name.removeprefix(current)) for name in row._fields if name.startswith(current)}
    )


def team_links(rows: Sequence[Any]) -> dict[str, list[str]]:
    """The ids of the teams each job (a row of `job_rows`) is shared with, in its links' order (as `Job.team_ids`):
    from the rows themselves on PostgreSQL, else one query."""
    if rows and "team_ids" in rows[0]._fields:
        return {row.id: row.team_ids for row in rows}
    links: dict[str, list[str]] = defaultdict(list)
    shared = JobTeam.objects.filter(job_id__any=[row.id for row in rows]).order_by("id")
    for job_id, team_id in shared.values_list("job_id", "team_id"):
        links[job_id].append(team_id)
    return links


def latest_run_rows(rows: Sequence[Any]) -> dict[str, Any]:
    """The newest run of each job (rows of `job_rows`) as a named row of the runs lists' columns, by job id; one
    query, none when no job has run."""
    ids = [row.latest_run_id for row in rows if row.latest_run_id is not None]
    if not ids:
        return {}
    return {run.job_id: run for run in JobRun.objects.filter(pk__any=ids).values_list(*RUN_COLUMNS, named=True)}


def with_numbers(jobs: Sequence[Job]) -> Sequence[Job]:
    """Set `current_number` and `draft_number` on a page of jobs, with one query: after paging, so that counting
    and sorting a list never computes them."""
    drafts = dict(
        JobVersion.objects.filter(job__in=[job.pk for job in jobs], status=VersionStatus.DRAFT).values_list(
            "job_id", "number"
        )
    )
    for job in jobs:
        job.current_number = job.current_version.number if job.current_version else None
        job.draft_number = drafts.get(job.pk)
    return jobs


def job_get(*, principal: Principal, job_id: str, relation: str = "CanViewJobs") -> Job:
    job = job_list(principal=principal, relation=relation).filter(pk=job_id).first()
    if job is None:
        raise NotFound("Job not found.", code="job_not_found")
    return job


def team_jobs(*, principal: Principal, team: Team) -> QuerySet[Job]:
    return job_list(principal=principal).filter(_where(team=team))


def cluster_jobs(*, principal: Principal, cluster: Cluster) -> QuerySet[Job]:
    """Jobs whose current version runs on the cluster."""
    return job_list(principal=principal).filter(_where(cluster=cluster))


def jobs_using_queries(*, principal: Principal, queries: list[Query]) -> QuerySet[Job]:
    """The jobs (that the principal may see) whose current version runs one of these saved queries."""
    return job_list(principal=principal).filter(current_version__query__in=queries)


def job_versions(*, job: Job) -> QuerySet[JobVersion]:
    """The published versions, by number."""
    return JobVersion.objects.filter(job=job, status=VersionStatus.PUBLISHED).order_by("number")


def job_version_get(*, job: Job, number: str | int) -> JobVersion:
    version = None
    if str(number).isdigit() and len(str(number)) < 10:
        version = job_versions(job=job).filter(number=int(number)).first()
    if version is None:
        raise NotFound(f"Job {job.job_key} has no published version {number}.", code="job_version_not_found")
    return version


def job_draft(*, job: Job) -> JobVersion | None:
    return JobVersion.objects.filter(job=job, status=VersionStatus.DRAFT).first()


def job_draft_get(*, job: Job) -> JobVersion:
    draft = job_draft(job=job)
    if draft is None:
        raise NotFound(f"Job {job.job_key} has no draft version.", code="draft_not_found")
    return draft


VERSION_NAMES = "A version number, `current` or `draft`"


def job_version_named(*, job: Job, name: str, field: str) -> JobVersion:
    """A version by number, or `current` or `draft` (404 when the job has none; 400 for another name)."""
    if name == "draft":
        return job_draft_get(job=job)
    if name == "current":
        if job.current_version is None:
            raise NotFound(f"Job {job.job_key} has no current version.", code="job_version_not_found")
        return job.current_version
    if not name.isdigit():
        raise InvalidInput(f"{field} must be {VERSION_NAMES}.", field_errors={field: f"{VERSION_NAMES}."})
    return job_version_get(job=job, number=name)
