"""Celery tasks of sessions: start and release compute instances, and the reaper (beat, SESSION_REAP_SECONDS).

Imported by `WorkloadsConfig.ready`, so a worker registers them whatever module autodiscovery looks for.
"""

from dataclasses import asdict

from celery import shared_task

from apps.workloads.services.compute_instances import instance_release, instance_start
from apps.workloads.services.session_lifecycle import sessions_reap


@shared_task(acks_late=True)
def start_compute_instance_task(instance_id: str) -> None:
    """Start the instance's Sail server (only a pending instance starts, so a duplicate does nothing)."""
    instance_start(instance_id=instance_id)


@shared_task(acks_late=True)
def release_compute_instance_task(instance_id: str) -> None:
    """Stop the instance's server if no open session uses it."""
    instance_release(instance_id=instance_id)


@shared_task(acks_late=True)
def reap_sessions_task() -> dict[str, int]:
    """Idle and close the sessions that timed out, stop the servers nobody uses; safe to run concurrently."""
    return asdict(sessions_reap())
