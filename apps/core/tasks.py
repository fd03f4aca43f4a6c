import logging

from celery import shared_task

from apps.core import audit, events, health
from apps.core.errors import ServiceUnavailable
from apps.core.operations import Operation, OperationReporter

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def run_diagnostics(operation_id: str) -> None:
    """Check each dependency of the platform, one progress resource per check."""
    op = Operation.objects.filter(pk=operation_id).first()
    if op is None or op.is_terminal:
        return  # redelivered after completion, or deleted: nothing to do
    reporter = OperationReporter(operation_id)
    reporter.start("checking", "Checking platform dependencies")
    for name in health.CHECKS:
        reporter.resource(urn=f"lakesail:check:{name}", type="check", name=name, operation="check", status="pending")
    results: dict[str, str] = {}
    failed: list[str] = []
    for name, check in health.CHECKS.items():
        urn = f"lakesail:check:{name}"
        reporter.resource(urn=urn, type="check", name=name, operation="check", status="running")
        try:
            results[name] = check()
            reporter.resource(urn=urn, type="check", name=name, operation="check", status="succeeded")
        except Exception as exc:  # recorded on the operation, which is the point of the task
            results[name] = f"{type(exc).__name__}: {exc}"
            failed.append(name)
            reporter.resource(urn=urn, type="check", name=name, operation="check", status="failed")
    if failed:
        reporter.fail(ServiceUnavailable(f"Unreachable: {', '.join(failed)}", code="dependency_unavailable"))
    else:
        reporter.succeed({"checks": results}, message="All dependencies reachable")


@shared_task(acks_late=True)
def deliver_event(event_id: str) -> None:
    """Deliver one outbox event to its subscribers; safe to run twice (each subscriber runs once)."""
    retry_at = events.deliver(event_id)
    if retry_at is not None:
        events.enqueue(event_id, at=retry_at)


@shared_task(acks_late=True)
def sweep_events() -> None:
    """Beat: enqueue again the events whose delivery a dead worker left behind."""
    swept = events.sweep()
    if swept:
        logger.warning("re-enqueued %d undelivered events", len(swept))


@shared_task(acks_late=True)
def prune_audit_events() -> None:
    """Beat: delete audit records older than AUDIT_RETENTION_DAYS."""
    deleted = audit.prune()
    if deleted:
        logger.info("pruned %d audit records", deleted)
