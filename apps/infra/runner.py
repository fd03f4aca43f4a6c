"""The infra operation runner: a provider's steps, in order, resumable after a worker dies.

`run_operation(operation_id)` (the Celery task `run_infra_operation`) claims the operation, then for each step:
reloads the record, skips the step if this operation already recorded it `succeeded` (progress resources are keyed
by `urn`), runs it with the record's `iacState`, saves `iacState`/`iacOutputs`, and reports the resource. A step
that fails with a retryable ProviderError is tried again (INFRA_STEP_ATTEMPTS); the operation then ends `failed`
with the error object, or `succeeded` with a result.

While it runs, a heartbeat refreshes the operation's `updated_at`. `resume_stale_operations()` (beat) puts an
operation whose heartbeat stopped (its worker died) back to `pending` and enqueues it again; the claim lets one
worker at a time run it, so a redelivered task and a re-enqueued one never both do.
"""

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from apps.core import clock
from apps.core.operations import Operation, OperationReporter, OperationStatus
from apps.infra.errors import OperationError, as_error
from apps.infra.providers.base import ProviderError, Step
from apps.infra.services import operations as ops

logger = logging.getLogger(__name__)


def run_operation(operation_id: str) -> None:
    operation = _claim(operation_id)
    if operation is None:
        return
    reporter = OperationReporter(operation.pk)
    kind, record_id = operation.operation, operation.resource_id
    done = {r["urn"] for r in operation.progress.get("resources", []) if r["status"] == "succeeded"}
    with _heartbeat(operation.pk):
        try:
            steps = ops.KINDS[kind].steps(ops.load(kind, record_id))
            reporter.stage("running", f"Running {len(steps)} step(s)")
            for step in steps:
                if step.urn not in done:
                    _run_step(kind, record_id, step, reporter)
        except ProviderError as exc:
            ops.operation_failed(
                operation_id=operation.pk, kind=kind, record_id=record_id, error=as_error(exc), reporter=reporter
            )
        except Exception as exc:  # a bug or an OS error: recorded on the operation, with the traceback in the log
            logger.exception("infra operation %s (%s) failed", operation.pk, kind)
            error = OperationError(f"{type(exc).__name__}: {exc}")
            ops.operation_failed(
                operation_id=operation.pk, kind=kind, record_id=record_id, error=error, reporter=reporter
            )
        else:
            ops.operation_succeeded(operation_id=operation.pk, kind=kind, record_id=record_id, reporter=reporter)


def _claim(operation_id: str) -> Operation | None:
    """The operation, now `running` for this worker; None if it ended, or another worker's heartbeat is fresh."""
    with transaction.atomic():
        operation = Operation.objects.select_for_update().filter(pk=operation_id).first()
        if operation is None or operation.is_terminal or operation.operation not in ops.KINDS:
            return None
        if operation.status == OperationStatus.RUNNING and operation.updated_at > _stale_before():
            logger.info("operation %s is running elsewhere; not starting it twice", operation_id)
            return None
        resumed = operation.started_at is not None
        operation.status = OperationStatus.RUNNING
        operation.started_at = operation.started_at or clock.now()
        message = "Resuming after its worker stopped" if resumed else "Starting"
        operation.progress = {**operation.progress, "stage": "starting", "message": message}
        operation.save()
        return operation


def _stale_before() -> Any:
    return clock.now() - timedelta(seconds=settings.INFRA_OPERATION_STALE_SECONDS)


def _resource(reporter: OperationReporter, step: Step, status: str) -> None:
    reporter.resource(urn=step.urn, type=step.type, name=step.name, operation=step.operation, status=status)


def _run_step(kind: str, record_id: str, step: Step, reporter: OperationReporter) -> None:
    for attempt in range(1, settings.INFRA_STEP_ATTEMPTS + 1):
        record = ops.load(kind, record_id)  # what the previous step (or a previous worker) saved
        ctx = ops.step_context(record)
        _resource(reporter, step, "running")
        try:
            step.run(ctx)
        except ProviderError as exc:
            ops.save_step(record, ctx)
            if exc.retryable and attempt < settings.INFRA_STEP_ATTEMPTS:
                logger.warning("step %s failed (attempt %d), retrying: %s", step.urn, attempt, exc.message)
                time.sleep(settings.INFRA_STEP_RETRY_SECONDS * attempt)
                continue
            _resource(reporter, step, "failed")
            raise
        except Exception:
            ops.save_step(record, ctx)
            _resource(reporter, step, "failed")
            raise
        ops.save_step(record, ctx)
        _resource(reporter, step, "succeeded")
        return


@contextmanager
def _heartbeat(operation_id: str) -> Iterator[None]:
    """Keep the operation's `updated_at` fresh while this worker works on it (a long step included)."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.INFRA_OPERATION_HEARTBEAT_SECONDS):
                Operation.objects.filter(pk=operation_id, status=OperationStatus.RUNNING).update(updated_at=clock.now())
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"heartbeat-{operation_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def resume_stale_operations() -> list[str]:
    """Enqueue again the infra operations no worker is running: heartbeat stale, or never picked up."""
    from apps.infra.tasks import run_infra_operation  # the tasks module imports this one

    with transaction.atomic():
        stale = Operation.objects.select_for_update().filter(
            operation__in=list(ops.KINDS),
            status__in=[OperationStatus.PENDING, OperationStatus.RUNNING],
            updated_at__lt=_stale_before(),
        )
        ids = list(stale.order_by("created_at").values_list("pk", flat=True))
        # Back to pending, and fresh: a claim takes it at once, and the next sweep waits another grace.
        Operation.objects.filter(pk__in=ids).update(status=OperationStatus.PENDING, updated_at=clock.now())
        for operation_id in ids:
            logger.warning("resuming infra operation %s", operation_id)
            transaction.on_commit(lambda operation_id=operation_id: run_infra_operation.delay(operation_id))
    return ids
