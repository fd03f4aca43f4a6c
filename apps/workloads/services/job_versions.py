"""Versions of a job: draft → publish → activate.

Every write locks the job's row first, so writes to one job's versions run one at a time: a second draft is a 409,
a second publish finds no draft (400), and version numbers stay contiguous. The database enforces both rules too
(one draft per job, numbers unique per job).
"""

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction

from apps.core.errors import Conflict, InvalidInput
from apps.core.events import publish
from apps.core.principal import Principal
from apps.org.access import require
from apps.workloads.models import Job, JobVersion, VersionStatus
from apps.workloads.selectors.jobs import job_draft, job_draft_get
from apps.workloads.services.jobs import MANAGE, make_current, record
from apps.workloads.versions import apply_changes, check_cluster, check_version, new_version


def _locked(principal: Principal, job: Job) -> Job:
    require(principal, MANAGE, job, team_ids=job.team_ids)
    return Job.objects.select_for_update(of=("self",)).select_related("current_version").get(pk=job.pk)


def _refuse_draft(job: Job, doing: str) -> None:
    draft = job_draft(job=job)
    if draft is not None:
        raise Conflict(
            f"Job {job.job_key} has a draft (version {draft.number}): publish or discard it before {doing}.",
            code="draft_exists",
        )


def _changed(changes: Mapping[str, Any]) -> list[str]:
    return sorted(changes)


@transaction.atomic
def draft_create(*, principal: Principal, job: Job, changes: Mapping[str, Any]) -> JobVersion:
    """A draft copied from the current version, with `changes` (wire names) applied; 409 if one exists."""
    job = _locked(principal, job)
    _refuse_draft(job, "creating another")
    draft = new_version(job, number=job.latest_version + 1, member=principal.member, base=job.current_version)
    apply_changes(draft, changes)
    check_version(principal, job, draft, publishing=False)
    try:
        with transaction.atomic():
            draft.save()
    except IntegrityError as exc:  # the constraints agree with the lock; this is the belt to its braces
        raise Conflict(f"Job {job.job_key} has a draft already.", code="draft_exists") from exc
    publish("job.draft.created", job, {"version": draft.number})
    record("draft.create", job, {"version": draft.number, "fields": _changed(changes)})
    return draft


@transaction.atomic
def draft_update(*, principal: Principal, job: Job, changes: Mapping[str, Any]) -> JobVersion:
    job = _locked(principal, job)
    draft = job_draft_get(job=job)
    apply_changes(draft, changes)
    check_version(principal, job, draft, publishing=False)
    draft.save()
    record("draft.update", job, {"version": draft.number, "fields": _changed(changes)})
    return draft


@transaction.atomic
def draft_discard(*, principal: Principal, job: Job) -> None:
    job = _locked(principal, job)
    draft = job_draft_get(job=job)
    draft.delete()
    publish("job.draft.discarded", job, {"version": draft.number})
    record("draft.discard", job, {"version": draft.number})


@transaction.atomic
def draft_publish(*, principal: Principal, job: Job) -> Job:
    """The draft becomes published and current; 400 when there is no draft."""
    job = _locked(principal, job)
    draft = job_draft(job=job)
    if draft is None:
        raise InvalidInput(f"Job {job.job_key} has no draft to publish.", code="no_draft")
    check_version(principal, job, draft, publishing=True)
    make_current(principal, job, draft)
    publish("job.version.published", job, {"version": draft.number})
    record("version.publish", job, {"version": draft.number})
    return job


@transaction.atomic
def version_create(*, principal: Principal, job: Job, changes: Mapping[str, Any]) -> JobVersion:
    """Create and publish a version in one step (a draft, changed and published); 409 if a draft exists."""
    job = _locked(principal, job)
    _refuse_draft(job, "creating a version")
    version = new_version(job, number=job.latest_version + 1, member=principal.member, base=job.current_version)
    apply_changes(version, changes)
    check_version(principal, job, version, publishing=True)
    make_current(principal, job, version)
    publish("job.version.published", job, {"version": version.number})
    record("version.create", job, {"version": version.number, "fields": _changed(changes)})
    return version


@transaction.atomic
def version_activate(*, principal: Principal, job: Job, number: int) -> Job:
    """Make a published version current again (a rollback, or a roll forward); 409 while a draft exists."""
    job = _locked(principal, job)
    _refuse_draft(job, "activating another version")
    version = JobVersion.objects.filter(job=job, number=number, status=VersionStatus.PUBLISHED).first()
    if version is None:
        raise InvalidInput(
            f"Job {job.job_key} has no published version {number}.",
            field_errors={"version": f"Published versions are 1 to {job.latest_version}."},
        )
    errors: dict[str, str] = {}
    check_cluster(principal, version, errors, active=True)
    if errors:
        raise InvalidInput(
            f"Version {number} cannot run: {errors['clusterId']}", field_errors={"version": errors["clusterId"]}
        )
    previous = job.current_version.number if job.current_version else None
    make_current(principal, job, version)
    publish("job.version.activated", job, {"version": number, "previousVersion": previous})
    record("version.activate", job, {"version": number, "previousVersion": previous})
    return job
