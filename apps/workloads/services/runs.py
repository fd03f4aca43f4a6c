"""Job runs as people and scripts drive them: create, release (ready), retry, cancel, delete.

The scheduler and backfills create runs through `new_run` too; execution is the dispatcher's (`run_dispatch`).
Statuses change only through `run_states.move`.
"""

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction

from apps.core import audit, clock
from apps.core.errors import Conflict, InvalidInput
from apps.core.principal import Principal
from apps.org.access import require
from apps.workloads.models import (
    EXECUTING_RUN_STATUSES,
    RETRYABLE_RUN_STATUSES,
    TERMINAL_RUN_STATUSES,
    Job,
    JobRun,
    JobRunStatus,
    JobVersion,
    PendingReason,
    RunCleanupMode,
    RunTrigger,
    VersionStatus,
)
from apps.workloads.services.run_admission import blocked
from apps.workloads.services.run_states import announce, created, locked_run, move

RUN = "CanRunJobs"


def _record(action: str, run: JobRun, changes: Mapping[str, Any] | None = None) -> None:
    audit.record(
        f"run.{action}",
        organization_id=run.organization_id,
        target_type="job_run",
        target_id=run.pk,
        changes={"jobId": run.job_id, "jobVersion": run.version_number, **(changes or {})},
    )


def _version(job: Job, number: int | None) -> JobVersion:
    if number is None:
        if job.current_version_id is None:
            raise Conflict("The job has no published version to run.", code="no_current_version")
        return JobVersion.objects.get(pk=job.current_version_id)
    version = JobVersion.objects.filter(job=job, number=number, status=VersionStatus.PUBLISHED).first()
    if version is None:
        raise InvalidInput(
            f"Version {number} of {job.job_key} is not a published version.",
            field_errors={"jobVersion": f"No published version {number}."},
        )
    return version


def _checked_overrides(parameters: Any, named_parameters: Any) -> None:
    errors: dict[str, str] = {}
    if parameters is not None and (
        not isinstance(parameters, list) or not all(isinstance(p, str | int | float) for p in parameters)
    ):
        errors["parameters"] = "A list of strings."
    if named_parameters is not None and (
        not isinstance(named_parameters, dict)
        or not all(isinstance(v, str | int | float) for v in named_parameters.values())
    ):
        errors["namedParameters"] = "An object of strings."
    if errors:
        raise InvalidInput("Invalid parameters.", field_errors=errors)


def admit(run: JobRun) -> None:
    """Put a new or retried run where it belongs: ready, pending with its reason, or (an upstream failed) cancelled."""
    block = blocked(run)
    if block is None:
        move(run, JobRunStatus.READY)
    elif block.final and run.status == JobRunStatus.PENDING:
        move(run, JobRunStatus.CANCELLED, message=block.message)
    else:
        move(run, JobRunStatus.PENDING, reason=block.reason, detail=block.detail, message=block.message)
    if run.status == JobRunStatus.READY:
        transaction.on_commit(wake_dispatcher, robust=True)


def wake_dispatcher() -> None:
    from apps.workloads.run_tasks import dispatch_runs  # tasks import services

    dispatch_runs.delay()


def new_run(
    *,
    job: Job,
    version: JobVersion,
    trigger: str,
    hold: bool = False,
    cleanup_mode: str = RunCleanupMode.ALWAYS,
    parameters: list[Any] | None = None,
    named_parameters: dict[str, Any] | None = None,
    scheduled_for: Any = None,
    backfill_id: str = "",
) -> JobRun | None:
    """Create and admit a run in the caller's transaction. None when the (job, slot) already has one."""
    run = JobRun(
        organization_id=job.organization_id,
        job=job,
        version=version,
        version_number=version.number,
        cluster_id=version.cluster_id,
        hold=hold,
        trigger=trigger,
        resource_cleanup_mode=cleanup_mode,
        parameters=[str(p) for p in parameters] if parameters is not None else None,
        named_parameters={str(k): str(v) for k, v in named_parameters.items()}
        if named_parameters is not None
        else None,
        scheduled_for=scheduled_for,
        backfill_id=backfill_id,
        # Born pending: admit() moves it on and writes the first timeline row.
        status=JobRunStatus.PENDING,
        pending_reason=PendingReason.HELD,
    )
    try:
        with transaction.atomic():
            run.save(force_insert=True)
    except IntegrityError:
        if scheduled_for is not None and JobRun.objects.filter(job=job, scheduled_for=scheduled_for).exists():
            return None  # this slot already has its run
        raise
    run.job = job
    created(run, message="Held: release it to run." if hold else f"Created ({trigger}).")
    if not hold:
        admit(run)
    return run


@transaction.atomic
def run_create(
    *,
    principal: Principal,
    job: Job,
    version_number: int | None = None,
    hold: bool = False,
    cleanup_mode: str = RunCleanupMode.ALWAYS,
    parameters: list[Any] | None = None,
    named_parameters: dict[str, Any] | None = None,
) -> JobRun:
    """A manual run of the job's current version (or `version_number`, any published one)."""
    require(principal, RUN, job, team_ids=job.team_ids)
    if cleanup_mode not in RunCleanupMode.values:
        raise InvalidInput(
            "Unknown resourceCleanupMode.",
            field_errors={"resourceCleanupMode": f"One of: {', '.join(RunCleanupMode.values)}."},
        )
    _checked_overrides(parameters, named_parameters)
    version = _version(job, version_number)
    run = new_run(
        job=job,
        version=version,
        trigger=RunTrigger.MANUAL,
        hold=hold,
        cleanup_mode=cleanup_mode,
        parameters=parameters,
        named_parameters=named_parameters,
    )
    assert run is not None  # a manual run has no slot
    _record("create", run, {"hold": hold, "trigger": RunTrigger.MANUAL})
    return run


@transaction.atomic
def run_release(*, principal: Principal, run: JobRun) -> JobRun:
    """`POST …/ready`: a pending run becomes eligible (409 unless pending)."""
    require(principal, RUN, run.job, team_ids=run.job.team_ids)
    run = locked_run(run.pk)
    if run.status != JobRunStatus.PENDING:
        raise Conflict(f"Only a pending run can be released; this one is {run.status}.", code="run_not_pending")
    run.hold = False
    if run.pending_reason == PendingReason.HELD:
        move(run, JobRunStatus.READY, fields={"hold": False})
        transaction.on_commit(wake_dispatcher, robust=True)
    else:
        run.save(update_fields=["hold", "updated_at", "updated_by"])
        admit(run)
    _record("release", run)
    return run


@transaction.atomic
def run_retry(*, principal: Principal, run: JobRun, hold: bool = False) -> JobRun:
    """A failed, timed-out or cancelled run again, under the same id, version and parameters (409 otherwise)."""
    require(principal, RUN, run.job, team_ids=run.job.team_ids)
    run = locked_run(run.pk)
    if run.status not in RETRYABLE_RUN_STATUSES:
        raise Conflict(
            f"Only a failed, timed-out or cancelled run can be retried; this one is {run.status}.",
            code="run_not_retryable",
        )
    retry(run, hold=hold)
    _record("retry", run, {"hold": hold})
    return run


def retry(run: JobRun, *, hold: bool = False, not_before: Any = None) -> None:
    """Reset the locked terminal `run` for another attempt (manual retry, or the dispatcher's maxRetries)."""
    previous = run.status
    run.attempt += 1
    run.hold = hold
    run.trigger = RunTrigger.RETRY
    run.not_before = not_before
    for name in (
        "dispatched_at",
        "finished_at",
        "runner_started_at",
        "runner_completed_at",
        "heartbeat_at",
        "cancel_requested_at",
        "runner_execution_time_us",
        "row_count",
        "preview",
        "estimated_cost",
    ):
        setattr(run, name, None)
    run.output_path = run.worker = run.sail_process_id = ""
    run.retryable = False
    announce("run.retried", run, {"previousStatus": previous, "attempt": run.attempt})
    if hold:
        move(run, JobRunStatus.PENDING, reason=PendingReason.HELD, message="Held: release it to run.")
    else:
        admit(run)


@transaction.atomic
def run_cancel(*, principal: Principal, run: JobRun) -> JobRun:
    """Cancel a run: a waiting one ends at once; an executing one is asked to stop (its worker ends it, in seconds).

    409 for a run that already ended.
    """
    require(principal, RUN, run.job, team_ids=run.job.team_ids)
    run = locked_run(run.pk)
    if run.status in TERMINAL_RUN_STATUSES:
        raise Conflict(f"The run already ended ({run.status}).", code="run_ended")
    request_cancel(run, message="Cancelled by a user.")
    _record("cancel", run)
    return run


def request_cancel(run: JobRun, *, message: str) -> None:
    """Cancel the locked, active `run` (users, a job's `replace` policy, a backfill's cancel)."""
    if run.status == JobRunStatus.STARTING and not run.worker:
        move(run, JobRunStatus.CANCELLED, message=message)  # no worker took it yet: its task will find it ended
    elif run.status in EXECUTING_RUN_STATUSES:
        if run.cancel_requested_at is None:
            run.cancel_requested_at = clock.now()
            run.status_message = message
            run.save(update_fields=["cancel_requested_at", "status_message", "updated_at", "updated_by"])
    elif run.status not in TERMINAL_RUN_STATUSES:
        move(run, JobRunStatus.CANCELLED, message=message)


@transaction.atomic
def run_delete(*, principal: Principal, run: JobRun) -> None:
    """Only a run that ended can be deleted (409 otherwise); its logs and outputs go with it."""
    require(principal, RUN, run.job, team_ids=run.job.team_ids)
    run = locked_run(run.pk)
    if run.status not in TERMINAL_RUN_STATUSES:
        raise Conflict(f"Only a run that ended can be deleted; this one is {run.status}.", code="run_active")
    _record("delete", run)
    run_id = run.pk
    run.delete()
    transaction.on_commit(lambda: _remove_files(run_id), robust=True)


def _remove_files(run_id: str) -> None:
    from apps.workloads.runner import clean_up_run

    clean_up_run(run_id=run_id)
