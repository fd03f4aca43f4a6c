from celery import shared_task

from apps.infra.providers.local.reaper import reap_sail_processes


@shared_task(acks_late=True)
def reap_sail_processes_task() -> dict[str, list]:
    """Periodic reconciliation (the worker also reaps once when it starts); safe to run twice or concurrently."""
    report = reap_sail_processes()
    return {"lostProcessIds": [each.process_id for each in report.lost], "strayPids": report.strays_stopped}
