"""`dependsOn`: a scheduled (or backfilled) run waits until each upstream job succeeded for its window.

The window of a run for slot S is S itself: each upstream job's latest run for a time at or before S (its slot, or
when it was created for a manual run) decides. Succeeded: satisfied. Failed, timed out or cancelled with no retry
coming: the downstream run cannot run and ends cancelled, naming the upstream. Anything else (no such run yet, one
pending or running, one waiting to retry): the downstream run waits, pending with `waiting_for_dependency`.
Manual runs do not wait: whoever starts one by hand chose to run it now.
"""

from typing import TYPE_CHECKING

from django.db.models import F
from django.db.models.functions import Coalesce

from apps.workloads.models import RETRYABLE_RUN_STATUSES, Job, JobRun, JobRunStatus, PendingReason

if TYPE_CHECKING:
    from apps.workloads.services.run_admission import Block


def dependency_block(run: JobRun) -> "Block | None":
    from apps.workloads.services.run_admission import Block

    depends_on = run.version.depends_on or []
    if run.scheduled_for is None or not depends_on:
        return None
    keys = [each["jobKey"] for each in depends_on]
    jobs = dict(Job.objects.filter(organization_id=run.organization_id, job_key__in=keys).values_list("job_key", "pk"))
    for key in keys:
        job_id = jobs.get(key)
        if job_id is None:
            return Block(PendingReason.WAITING_FOR_DEPENDENCY, f"Upstream job {key} does not exist.", {"jobKey": key})
        upstream = (
            JobRun.objects.filter(job_id=job_id)
            .annotate(window=Coalesce("scheduled_for", "created_at"))
            .filter(window__lte=run.scheduled_for)
            .order_by(F("window").desc(), "-created_at")
            .values("pk", "status")
            .first()
        )
        detail = {"jobKey": key, "jobId": job_id, "runId": upstream["pk"] if upstream else None}
        if upstream is None:
            return Block(PendingReason.WAITING_FOR_DEPENDENCY, f"Waiting for a run of {key}.", detail)
        if upstream["status"] == JobRunStatus.SUCCEEDED:
            continue
        if upstream["status"] in RETRYABLE_RUN_STATUSES:
            return Block(
                PendingReason.WAITING_FOR_DEPENDENCY,
                f"Skipped: upstream job {key} ended {upstream['status']} (run {upstream['pk']}).",
                detail,
                final=True,
            )
        return Block(PendingReason.WAITING_FOR_DEPENDENCY, f"Waiting for {key} (run {upstream['pk']}).", detail)
    return None
