import pytest

from apps.core.errors import ServiceUnavailable
from apps.core.operations import OperationReporter, operation_create


@pytest.fixture
def op(acme):
    return operation_create(organization_id=acme.pk, operation="diagnostics", resource_type="organization")


def test_progress_keeps_resources_and_summary_counts(op):
    reporter = OperationReporter(op.pk)
    reporter.start("checking", "Checking")
    reporter.resource(urn="u:a", type="check", name="a", operation="check", status="pending")
    reporter.resource(urn="u:b", type="check", name="b", operation="check", status="pending")
    reporter.resource(urn="u:a", type="check", name="a", operation="check", status="succeeded")
    op.refresh_from_db()
    assert op.status == "running" and op.started_at is not None
    assert [r["status"] for r in op.progress["resources"]] == ["pending", "succeeded"]
    assert op.progress["summary"] == {
        "total": 2,
        "pending": 1,
        "running": 0,
        "succeeded": 1,
        "failed": 0,
        "unchanged": 0,
    }


def test_a_terminal_operation_ignores_late_reports(op):
    reporter = OperationReporter(op.pk)
    reporter.start()
    reporter.succeed({"ok": True})
    reporter.fail(ServiceUnavailable("too late"))
    op.refresh_from_db()
    assert op.status == "succeeded" and op.error is None and op.result == {"ok": True}


def test_unknown_resource_statuses_are_refused(op):
    with pytest.raises(ValueError):
        OperationReporter(op.pk).resource(urn="u", type="t", name="n", operation="o", status="exploded")


def test_the_operation_endpoint_returns_the_reference_shape(api, op):
    reporter = OperationReporter(op.pk)
    reporter.start("checking")
    reporter.fail(ServiceUnavailable("it broke"))
    response = api.get(f"/operations/{op.pk}", max_queries=6)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "failed" and body["error"]["message"] == "it broke"
    assert body["organizationId"] == op.organization_id
