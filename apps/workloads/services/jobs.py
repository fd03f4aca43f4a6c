"""Jobs as records: create (with version 1 published), rename, pause, delete, share with teams.

Changes to what a job runs go through versions (`services/job_versions.py`).
"""

import re
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction

from apps.core import audit, clock
from apps.core.errors import Conflict, InvalidInput
from apps.core.events import publish
from apps.core.principal import Principal
from apps.org.access import require
from apps.workloads.models import Job, JobStatus, JobTeam, JobVersion, VersionStatus
from apps.workloads.schedule import next_fire
from apps.workloads.services.sharing import (
    checked_team_ids,
    link_teams,
    require_in_teams,
    team_remove,
    teams_add,
)
from apps.workloads.versions import apply_changes, check_version, new_version

MANAGE = "CanManageJobs"
JOB_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


def record(action: str, job: Job, changes: dict[str, Any]) -> None:
    # `job`, not `jobKey`: the audit log hides values under keys that contain "key".
    audit.record(
        f"job.{action}",
        organization_id=job.organization_id,
        target_type="job",
        target_id=job.pk,
        changes={"job": job.job_key, **changes},
    )


def _checked_key(org_id: str, job_key: str, exclude: str | None = None) -> str:
    if not JOB_KEY.match(job_key):
        raise InvalidInput(
            "Not a job key.",
            field_errors={"jobKey": "1 to 63 lower-case letters, digits, - and _, starting with a letter or digit."},
        )
    if Job.objects.filter(organization_id=org_id, job_key=job_key).exclude(pk=exclude).exists():
        raise Conflict(f"A job {job_key!r} exists.", code="job_exists", field_errors={"jobKey": "Already taken."})
    return job_key


def _checked_status(status: str) -> str:
    if status not in JobStatus.values:
        raise InvalidInput("Unknown status.", field_errors={"status": f"One of: {', '.join(JobStatus.values)}."})
    return status


def next_run_at(job: Job, version: JobVersion | None) -> Any:
    """When the job's schedule fires next: None when it is paused or has no schedule."""
    if job.status != JobStatus.ACTIVE or version is None or not version.cron_expression:
        return None
    return next_fire(version.cron_expression, version.cron_timezone, after=clock.now())


def make_current(principal: Principal, job: Job, version: JobVersion) -> None:
    """Publish `version` (if it is a draft) and make it the job's current version."""
    if version.status == VersionStatus.DRAFT:
        version.status = VersionStatus.PUBLISHED
        version.published_at = clock.now()
        version.published_by = principal.id
        version.save()
    job.current_version = version
    job.latest_version = max(job.latest_version, version.number)
    job.next_run_at = next_run_at(job, version)
    job.save()


def dependents(job: Job) -> list[str]:
    """The keys of the jobs whose current version waits for this one."""
    rows = (
        Job.objects.filter(organization_id=job.organization_id, current_version__isnull=False)
        .exclude(pk=job.pk)
        .exclude(current_version__depends_on=[])
        .values_list("job_key", "current_version__depends_on")
    )
    return [key for key, depends in rows if {"jobKey": job.job_key} in depends]


@transaction.atomic
def job_create(
    *,
    principal: Principal,
    job_key: str,
    team_ids: list[str],
    fields: Mapping[str, Any],
    status: str = JobStatus.ACTIVE,
    description: str = "",
) -> Job:
    """A job shared with at least one team, with version 1 (`fields`, by wire name) published and current."""
    require_in_teams(principal, MANAGE, team_ids)
    org_id = principal.org.pk
    if not team_ids:
        raise InvalidInput("A job is shared with at least one team.", field_errors={"teamIds": "At least one team."})
    teams = checked_team_ids(org_id, team_ids)
    job = Job(
        organization_id=org_id,
        member=principal.member,
        job_key=_checked_key(org_id, job_key),
        status=_checked_status(status),
        description=description.strip(),
    )
    version = new_version(job, number=1, member=principal.member)
    apply_changes(version, {"description": description, **fields})
    check_version(principal, job, version, publishing=True)
    try:
        with transaction.atomic():
            job.save()
    except IntegrityError as exc:  # created by a concurrent request since the check
        raise Conflict(
            f"A job {job_key!r} exists.", code="job_exists", field_errors={"jobKey": "Already taken."}
        ) from exc
    version.job = job
    make_current(principal, job, version)
    link_teams(principal, job, teams)
    publish("job.created", job, {"jobKey": job.job_key, "version": 1})
    record("create", job, {"teamIds": teams, "version": 1, "clusterId": version.cluster_id})
    return job


@transaction.atomic
def job_update(
    *,
    principal: Principal,
    job: Job,
    job_key: str | None = None,
    status: str | None = None,
    description: str | None = None,
    expected_version: int | None = None,
) -> Job:
    """Rename, pause or resume, describe. `expected_version`: refuse (409) if a newer version was published."""
    require(principal, MANAGE, job, team_ids=job.team_ids)
    job = Job.objects.select_for_update(of=("self",)).select_related("current_version").get(pk=job.pk)
    if expected_version is not None and expected_version != job.latest_version:
        raise Conflict(
            f"Version {job.latest_version} is the latest, not {expected_version}: read the job again.",
            code="version_mismatch",
            field_errors={"version": f"The latest version is {job.latest_version}."},
        )
    changes: dict[str, Any] = {}
    if job_key is not None and job_key != job.job_key:
        waiting = dependents(job)
        if waiting:
            raise Conflict(
                f"Jobs depend on {job.job_key}: {', '.join(waiting)}. Change their dependencies first.",
                code="job_has_dependents",
            )
        changes["renamedTo"] = job.job_key = _checked_key(job.organization_id, job_key, exclude=job.pk)
    if status is not None:
        changes["status"] = job.status = _checked_status(status)
    if description is not None:
        changes["description"] = job.description = description.strip()
    job.next_run_at = next_run_at(job, job.current_version)
    job.save()
    publish("job.updated", job, changes)
    record("update", job, changes)
    return job


@transaction.atomic
def job_delete(*, principal: Principal, job: Job) -> None:
    """Delete a job with its versions and team links, unless other jobs depend on it."""
    require(principal, MANAGE, job, team_ids=job.team_ids)
    waiting = dependents(job)
    if waiting:
        raise Conflict(
            f"Jobs depend on {job.job_key}: {', '.join(waiting)}. Change their dependencies first.",
            code="job_has_dependents",
        )
    publish("job.deleted", job, {"jobKey": job.job_key})
    record("delete", job, {})
    job.delete()


@transaction.atomic
def job_teams_add(*, principal: Principal, job: Job, team_ids: list[str]) -> list[JobTeam]:
    return teams_add(principal=principal, resource=job, relation=MANAGE, team_ids=team_ids)  # type: ignore[return-value]


@transaction.atomic
def job_team_remove(*, principal: Principal, job: Job, team_id: str) -> None:
    """A job keeps at least one team (409 for the last one)."""
    team_remove(principal=principal, resource=job, relation=MANAGE, team_id=team_id, keep_one=True)
