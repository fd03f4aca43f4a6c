"""Celery tasks of runs: the dispatcher, the execution of one run, and the lost-run sweep.

`dispatch_runs` is sent when a run becomes ready (`services.runs.wake_dispatcher`), after every run ends (a slot
is free, downstream runs may go), when a retry's backoff ends, and by beat every RUNS_DISPATCH_SECONDS as a safety
net. Imported by `WorkloadsConfig.ready`, so a worker registers them whatever module autodiscovery looks for.
"""

from dataclasses import asdict

from celery import shared_task

from apps.workloads.services import run_execution
from apps.workloads.services.run_dispatch import dispatch


@shared_task(acks_late=True)
def dispatch_runs() -> dict[str, int]:
    """Start what may start; safe to run concurrently and to repeat (each run is decided under its lock)."""
    report = asdict(dispatch())
    return {"started": len(report["started"]), "pending": report["pending"], "cancelled": report["cancelled"]}


# Not acks_late: a redelivered message would find the run claimed by the dead worker anyway; the lost-run sweep
# is what recovers it.
@shared_task(acks_late=False)
def execute_job_run(run_id: str, attempt: int) -> str | None:
    """Execute one attempt of a run that the dispatcher moved to `starting`; a duplicate does nothing."""
    return run_execution.execute(run_id=run_id, attempt=attempt)


@shared_task(acks_late=True)
def sweep_lost_runs() -> int:
    """End the runs whose worker stopped beating (failed, retryable: maxRetries applies)."""
    return len(run_execution.sweep_lost_runs())
