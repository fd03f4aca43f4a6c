"""Reads of jobs and their versions (`CanViewJobs`): organization-wide, or through the teams a job is shared with."""

from collections.abc import Sequence

from django.db.models import Prefetch, QuerySet

from apps.core.errors import InvalidInput, NotFound
from apps.core.principal import Principal
from apps.infra.models import Cluster
from apps.org.access import visible
from apps.org.models import Team
from apps.workloads.models import Job, JobTeam, JobVersion, Query, VersionStatus


def job_list(*, principal: Principal, relation: str = "CanViewJobs") -> QuerySet[Job]:
    """Jobs with their current version and their team links (see `with_numbers` for what else their wire shows)."""
    links = Prefetch("team_links", queryset=JobTeam.objects.only("id", "job_id", "team_id").order_by("id"))
    jobs = Job.objects.select_related("current_version").prefetch_related(links)
    return visible(jobs, principal, relation, team_field="teams")


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
    return job_list(principal=principal).filter(team_links__team=team)


def cluster_jobs(*, principal: Principal, cluster: Cluster) -> QuerySet[Job]:
    """Jobs whose current version runs on the cluster."""
    return job_list(principal=principal).filter(current_version__cluster=cluster)


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
