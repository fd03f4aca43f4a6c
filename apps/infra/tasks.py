from celery import shared_task

from apps.infra.providers.local.reaper import reap_sail_processes
from apps.infra.runner import resume_stale_operations, run_operation
from apps.infra.services.health import check_active_clusters
from apps.infra.services.metrics import sample_cluster_metrics


@shared_task(acks_late=True)
def reap_sail_processes_task() -> dict[str, list]:
    """Periodic reconciliation (the worker also reaps once when it starts); safe to run twice or concurrently."""
    report = reap_sail_processes()
    return {"lostProcessIds": [each.process_id for each in report.lost], "strayPids": report.strays_stopped}


@shared_task(acks_late=True)
def run_infra_operation(operation_id: str) -> None:
    """Provision, update, destroy or sync: the provider's steps for one operation (apps/infra/runner.py)."""
    run_operation(operation_id)


@shared_task(acks_late=True)
def resume_stale_operations_task() -> list[str]:
    """Beat: enqueue again the operations whose worker died."""
    return resume_stale_operations()


@shared_task(acks_late=True)
def sample_cluster_metrics_task() -> int:
    """Beat (every INFRA_METRICS_SAMPLE_SECONDS): CPU, memory and active runs of running clusters."""
    return sample_cluster_metrics()


@shared_task(acks_late=True)
def check_cluster_health_task() -> int:
    """Beat (every INFRA_HEALTH_CHECK_SECONDS): health of running clusters; changes become events."""
    return check_active_clusters()
