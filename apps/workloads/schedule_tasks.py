"""The scheduler's beat task (every RUNS_SCHEDULER_TICK_SECONDS): due cron slots become runs.

Imported by `WorkloadsConfig.ready`, so a worker registers it whatever module autodiscovery looks for.
"""

from celery import shared_task

from apps.workloads.scheduler import tick


@shared_task
def schedule_tick() -> dict[str, int]:
    """Safe to overlap with itself and with a second beat: each slot gets one run."""
    result = tick()
    return {"due": result.due, "created": len(result.created), "skipped": result.skipped}
