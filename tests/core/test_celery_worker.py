import pytest

from apps.core.operations import Operation
from apps.core.principal import Principal
from apps.org.services.diagnostics import diagnostics_start
from tests.plugins.celery_worker import wait_for

pytestmark = pytest.mark.integration


def test_a_real_worker_takes_an_operation_to_succeeded_with_progress(transactional_db, celery_worker, alice, acme):
    principal = Principal(user=alice, org=acme, member=alice.memberships.get())
    op = diagnostics_start(principal=principal)
    assert op.status == "pending"

    def finished():
        op.refresh_from_db()
        return op.is_terminal

    assert wait_for(finished, timeout=60), f"operation still {op.status}: {op.progress}"
    assert op.status == "succeeded", op.error
    assert op.progress["summary"]["total"] == 3 and op.progress["summary"]["succeeded"] == 3
    assert {r["name"] for r in op.progress["resources"]} == {"database", "broker", "dataDir"}
    assert op.result["checks"]["database"] == transactional_db_vendor()
    assert op.started_at <= op.completed_at


def transactional_db_vendor() -> str:
    from django.db import connection

    return connection.vendor


def test_a_redelivered_task_does_not_rerun_a_finished_operation(transactional_db, alice, acme):
    from apps.core.tasks import run_diagnostics

    op = Operation.objects.create(organization=acme, operation="diagnostics", status="succeeded", result={"x": 1})
    run_diagnostics(op.pk)
    op.refresh_from_db()
    assert op.result == {"x": 1} and op.progress["resources"] == []
