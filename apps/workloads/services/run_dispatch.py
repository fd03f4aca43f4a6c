"""The dispatcher: ready runs (and pending runs whose reason may have cleared) become `starting` on a worker.

Each candidate is decided in a short transaction of its own: the job's row is locked first (the scheduler locks it
in the same order), then the run with SKIP LOCKED (another dispatcher has it: skip), then, on PostgreSQL, an
advisory lock on the run's cluster. Counting executing runs under those locks is what keeps two dispatchers from
both taking the last `maxConcurrentRuns` place or the cluster's last run slot (on SQLite every write transaction
is serialized already). `run_admission.blocked` decides, as it does at creation: free → ready → starting with the
execute task enqueued after commit; blocked → pending with the reason (a timeline row only when it changed); blocked
for good (an upstream failed) → cancelled.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, Q

from apps.core import clock
from apps.workloads.models import EXECUTING_RUN_STATUSES, Job, JobRun, JobRunStatus, PendingReason
from apps.workloads.services.run_admission import AUTOMATIC_REASONS, blocked
from apps.workloads.services.run_states import move

BATCH = 200
# A reason that holds for every later candidate of the same job or cluster in one pass: those are not re-decided.
_JOB_WIDE = PendingReason.CONCURRENCY_LIMIT
_CLUSTER_WIDE = (PendingReason.CLUSTER_CAPACITY, PendingReason.CLUSTER_UNAVAILABLE)


@dataclass
class DispatchReport:
    started: list[str] = field(default_factory=list)
    pending: int = 0
    cancelled: int = 0


def candidates(*, limit: int = BATCH) -> list[tuple[str, str, str | None, str, str]]:
    """(run id, job id, cluster id, status, pending reason) of the runs a dispatcher should decide, oldest first."""
    now = clock.now()
    due = Q(not_before__isnull=True) | Q(not_before__lte=now)
    waiting = Q(status=JobRunStatus.PENDING, pending_reason__in=AUTOMATIC_REASONS) & (
        ~Q(pending_reason=PendingReason.RETRY_BACKOFF) | due
    )
    return list(
        JobRun.objects.filter((Q(status=JobRunStatus.READY) & due) | waiting)
        .order_by("created_at", "id")
        .values_list("pk", "job_id", "cluster_id", "status", "pending_reason")[:limit]
    )


def dispatch(*, limit: int = BATCH) -> DispatchReport:
    """Decide every candidate once; returns what happened. Safe to run concurrently with itself and to repeat."""
    report = DispatchReport()
    full_jobs: set[str] = set()
    full_clusters: set[str | None] = set()
    for run_id, job_id, cluster_id, status, reason in candidates(limit=limit):
        # Nothing freed up since an earlier candidate found the job or cluster full: a pending run waiting for that
        # same thing would only be told it again.
        if status == JobRunStatus.PENDING and (
            (reason == _JOB_WIDE and job_id in full_jobs) or (reason in _CLUSTER_WIDE and cluster_id in full_clusters)
        ):
            continue
        outcome = decide(run_id, job_id)
        if outcome == JobRunStatus.STARTING:
            report.started.append(run_id)
        elif outcome == JobRunStatus.CANCELLED:
            report.cancelled += 1
        elif outcome is not None:
            report.pending += 1
            if outcome == _JOB_WIDE:
                full_jobs.add(job_id)
            elif outcome in _CLUSTER_WIDE:
                full_clusters.add(cluster_id)
    return report


@transaction.atomic
def decide(run_id: str, job_id: str) -> str | None:
    """Start, park or cancel one run; returns the status it got (a pending reason for a pending run), or None."""
    if not list(Job.objects.select_for_update(of=("self",)).filter(pk=job_id).values_list("pk", flat=True)):
        return None  # deleted with its runs
    run = (
        JobRun.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("job", "version")
        .filter(pk=run_id, status__in=(JobRunStatus.READY, JobRunStatus.PENDING))
        .first()
    )
    if run is None or (run.status == JobRunStatus.PENDING and run.pending_reason not in AUTOMATIC_REASONS):
        return None  # another dispatcher has it, it moved on, or it waits for a person
    if run.cluster_id:
        _lock_cluster_slots(run.cluster_id)
    block = blocked(run)
    if block is None:
        now = clock.now()
        if run.status == JobRunStatus.PENDING:
            move(run, JobRunStatus.READY, at=now)
        move(
            run,
            JobRunStatus.STARTING,
            at=now,
            message="Dispatched to a worker.",
            fields={"dispatched_at": now, "heartbeat_at": now, "worker": "", "not_before": None},
        )
        transaction.on_commit(lambda: enqueue_execution(run.pk, run.attempt), robust=True)
        return JobRunStatus.STARTING
    if block.final:
        move(run, JobRunStatus.CANCELLED, message=block.message)
        return JobRunStatus.CANCELLED
    move(run, JobRunStatus.PENDING, reason=block.reason, detail=block.detail, message=block.message)
    return block.reason


def _lock_cluster_slots(cluster_id: str) -> None:
    """Serialize the slot count of one cluster among dispatchers, until this transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"run-slots:{cluster_id}"])


def enqueue_execution(run_id: str, attempt: int) -> None:
    from apps.workloads.run_tasks import execute_job_run  # tasks import services

    execute_job_run.delay(run_id, attempt)


def executing_runs_per_cluster(cluster_ids: Sequence[str]) -> dict[str, int]:
    """Runs holding a slot of each cluster (infra's `activeJobCount` metric)."""
    rows = (
        JobRun.objects.filter(cluster_id__in=list(cluster_ids), status__in=EXECUTING_RUN_STATUSES)
        .values("cluster_id")
        .annotate(count=Count("pk"))
        .values_list("cluster_id", "count")
    )
    return dict(rows)
