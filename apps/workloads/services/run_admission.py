"""Whether a run may start now, and if not, why: the answer behind `pendingReason`.

The same function decides at creation, at release, at retry and on every dispatch, so what a pending run says it
waits for is what actually holds it back.
"""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from apps.core import clock
from apps.infra.selectors.clusters import cluster_spark_endpoint
from apps.workloads.models import EXECUTING_RUN_STATUSES, JobBackfill, JobRun, PendingReason
from apps.workloads.services.run_dependencies import dependency_block

# Reasons the dispatcher re-checks by itself; `held` waits for a person, `waiting_for_dependency` for upstream runs
# (re-checked too, when those end).
AUTOMATIC_REASONS = (
    PendingReason.WAITING_FOR_DEPENDENCY,
    PendingReason.CONCURRENCY_LIMIT,
    PendingReason.CLUSTER_UNAVAILABLE,
    PendingReason.CLUSTER_CAPACITY,
    PendingReason.RETRY_BACKOFF,
)


@dataclass(frozen=True)
class Block:
    reason: str
    message: str
    detail: dict[str, Any] = field(default_factory=dict)
    # The run cannot ever start (an upstream failed): it ends cancelled with the message instead of waiting.
    final: bool = False


def cluster_run_slots(cluster_id: str) -> int:
    """How many runs a cluster executes at once (its Sail server's share per run; a setting for now)."""
    return settings.CLUSTER_RUN_SLOTS


def blocked(run: JobRun) -> Block | None:
    """Why `run` cannot start now, or None. Cheap: a few indexed counts."""
    if run.hold:
        return Block(PendingReason.HELD, "Held: release it to run.")
    now = clock.now()
    if run.not_before and run.not_before > now:
        return Block(
            PendingReason.RETRY_BACKOFF,
            f"Retrying after {run.not_before:%H:%M:%S} UTC.",
            {"until": run.not_before.isoformat().replace("+00:00", "Z")},
        )
    dependency = dependency_block(run)
    if dependency is not None:
        return dependency
    if run.cluster_id is None or cluster_spark_endpoint(cluster_id=run.cluster_id) is None:
        return Block(
            PendingReason.CLUSTER_UNAVAILABLE, "The job's cluster is not active.", {"clusterId": run.cluster_id}
        )
    executing = JobRun.objects.filter(status__in=EXECUTING_RUN_STATUSES).exclude(pk=run.pk)
    limit = run.version.max_concurrent_runs
    if executing.filter(job_id=run.job_id).count() >= limit:
        return Block(
            PendingReason.CONCURRENCY_LIMIT,
            f"The job already runs {limit} run{'s' if limit != 1 else ''} (maxConcurrentRuns).",
            {"maxConcurrentRuns": limit},
        )
    if run.backfill_id:
        most = JobBackfill.objects.filter(pk=run.backfill_id).values_list("max_concurrent", flat=True).first()
        if most is not None and executing.filter(backfill_id=run.backfill_id).count() >= most:
            return Block(
                PendingReason.CONCURRENCY_LIMIT,
                f"Its backfill already runs {most} run{'s' if most != 1 else ''} (maxConcurrent).",
                {"backfillId": run.backfill_id, "maxConcurrent": most},
            )
    slots = cluster_run_slots(run.cluster_id)
    if executing.filter(cluster_id=run.cluster_id).count() >= slots:
        return Block(
            PendingReason.CLUSTER_CAPACITY,
            f"All {slots} run slots of the cluster are taken.",
            {"clusterId": run.cluster_id, "slots": slots},
        )
    return None
