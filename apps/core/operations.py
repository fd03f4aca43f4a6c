"""Long-running work as an Operation row that tasks report into and clients poll."""

import time
from typing import Any

from django.db import models, transaction

from apps.core import clock
from apps.core.db.fields import JSONField
from apps.core.errors import ApplicationError
from apps.core.ids import new_id


class OperationStatus(models.TextChoices):
    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


TERMINAL_STATUSES = {OperationStatus.SUCCEEDED, OperationStatus.FAILED, OperationStatus.CANCELLED}
RESOURCE_STATUSES = ("pending", "running", "succeeded", "failed", "unchanged")


def empty_progress() -> dict[str, Any]:
    return {
        "stage": "",
        "message": "",
        "resources": [],
        "summary": {status: 0 for status in ("total", *RESOURCE_STATUSES)},
    }


class Operation(models.Model):
    id = models.CharField(primary_key=True, max_length=20, default=new_id, editable=False)
    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    member_id = models.CharField(max_length=20, blank=True, default="")
    operation = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=OperationStatus.choices, default=OperationStatus.PENDING)
    result = JSONField(null=True, blank=True)
    error = JSONField(null=True, blank=True)
    progress = JSONField(default=empty_progress)
    resource_type = models.CharField(max_length=32, blank=True, default="")
    resource_id = models.CharField(max_length=20, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "core"
        indexes = [models.Index(fields=["organization", "resource_type", "resource_id"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=OperationStatus.values), name="operation_status_valid")
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.id} ({self.status})"

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES


def operation_create(
    *, organization_id: str, operation: str, member_id: str = "", resource_type: str = "", resource_id: str = ""
) -> Operation:
    return Operation.objects.create(
        organization_id=organization_id,
        operation=operation,
        member_id=member_id,
        resource_type=resource_type,
        resource_id=resource_id,
    )


class OperationReporter:
    """Progress reporting for a task working on one Operation.

    Each call is its own short transaction on a locked row, so a poller always sees a consistent
    snapshot and a task that runs twice (acks_late redelivery) continues instead of corrupting it.
    """

    def __init__(self, operation_id: str) -> None:
        self.operation_id = operation_id
        self._started: dict[str, float] = {}

    def _update(self, change) -> Operation:
        with transaction.atomic():
            op = Operation.objects.select_for_update().get(pk=self.operation_id)
            if not op.is_terminal:
                change(op)
                op.save()
            return op

    def start(self, stage: str = "", message: str = "") -> Operation:
        def change(op: Operation) -> None:
            op.status = OperationStatus.RUNNING
            op.started_at = op.started_at or clock.now()
            op.progress = {**op.progress, "stage": stage, "message": message}

        return self._update(change)

    def stage(self, stage: str, message: str = "") -> Operation:
        return self._update(lambda op: op.progress.update(stage=stage, message=message))

    def resource(self, *, urn: str, type: str, name: str, operation: str, status: str) -> Operation:
        """Record (or update, by urn) one resource the operation touches, keeping the summary counts."""
        if status not in RESOURCE_STATUSES:
            raise ValueError(f"unknown resource status {status!r}")
        now = time.monotonic()
        self._started.setdefault(urn, now)
        duration = round((now - self._started[urn]) * 1000) if status != "pending" else 0

        def change(op: Operation) -> None:
            resources = [r for r in op.progress.get("resources", []) if r["urn"] != urn]
            resources.append(
                {"urn": urn, "type": type, "name": name, "operation": operation, "status": status, "duration": duration}
            )
            summary = {s: sum(1 for r in resources if r["status"] == s) for s in RESOURCE_STATUSES}
            op.progress = {**op.progress, "resources": resources, "summary": {"total": len(resources), **summary}}

        return self._update(change)

    def succeed(self, result: dict[str, Any] | None = None, message: str = "") -> Operation:
        def change(op: Operation) -> None:
            op.status = OperationStatus.SUCCEEDED
            op.result = result
            op.completed_at = clock.now()
            op.progress = {**op.progress, "stage": "completed", "message": message or op.progress.get("message", "")}

        return self._update(change)

    def fail(self, error: ApplicationError) -> Operation:
        def change(op: Operation) -> None:
            op.status = OperationStatus.FAILED
            op.error = error.as_dict()
            op.completed_at = clock.now()
            op.progress = {**op.progress, "stage": "failed", "message": error.message}

        return self._update(change)
