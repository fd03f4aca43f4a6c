"""The operation runner in this process (the end-to-end test runs it on a real worker, killed and resumed)."""

from datetime import timedelta

import pytest

from apps.core import clock
from apps.core.audit import AuditEvent
from apps.core.events import OutboxEvent
from apps.core.operations import Operation
from apps.infra.models import Network, ResourceStatus
from apps.infra.providers.base import ProviderError, Step, provider_for, register
from apps.infra.providers.local import layout
from apps.infra.providers.local.provider import LocalProvider
from apps.infra.runner import resume_stale_operations, run_operation
from apps.infra.services.networks import network_provision
from tests.infra.conftest import mark

STORAGE_ROOT = "lakesail:local:network:storage-root"


@pytest.fixture
def pending_network(network):
    return mark(network, ResourceStatus.PENDING)


def test_it_provisions_a_local_network_step_by_step(owner, pending_network):
    operation = network_provision(principal=owner, network=pending_network)
    run_operation(operation.pk)

    operation.refresh_from_db()
    assert (operation.status, operation.error) == ("succeeded", None)
    [resource] = operation.progress["resources"]
    assert (resource["urn"], resource["status"], resource["operation"]) == (STORAGE_ROOT, "succeeded", "create")
    network = Network.objects.get(pk=pending_network.pk)
    root = layout.network_root(network.pk)
    assert network.status == "active" and network.provider_network_id == "loopback" and root.is_dir()
    assert network.iac_state["storageRoot"] == str(root) and network.iac_state["projectName"] == "lakesail-network"
    assert AuditEvent.objects.filter(action="network.provision.succeeded", target_id=network.pk).exists()


def test_a_failing_step_fails_the_operation_and_the_record(owner, pending_network):
    root = layout.network_root(pending_network.pk)
    root.parent.mkdir(parents=True, exist_ok=True)
    root.write_text("a file where the storage root goes")
    operation = network_provision(principal=owner, network=pending_network)
    run_operation(operation.pk)

    operation.refresh_from_db()
    assert operation.status == "failed" and operation.progress["resources"][0]["status"] == "failed"
    assert (operation.error["code"], operation.error["errorType"]) == ("operation_error", "internal")
    assert operation.error["details"]["retryable"] is False and "FileExistsError" in operation.error["message"]
    network = Network.objects.get(pk=pending_network.pk)
    assert network.status == "failed" and "FileExistsError" in network.status_message
    event = OutboxEvent.objects.get(event_type="operation.failed")
    assert (event.resource_id, event.payload["resourceId"]) == (operation.pk, network.pk)
    assert AuditEvent.objects.get(action="network.provision.failed").outcome == "failure"


class FlakyLocal(LocalProvider):
    """The local provider whose network step fails `failures` times with a retryable error first."""

    def __init__(self, failures: int, retryable: bool = True) -> None:
        self.failures, self.retryable, self.calls = failures, retryable, 0

    def network_steps(self, conn, network):
        [real] = super().network_steps(conn, network)

        def run(ctx):
            self.calls += 1
            if self.calls <= self.failures:
                ctx.state["attempt"] = self.calls  # what a failed step recorded is kept
                raise ProviderError("throttled", code="throttled", retryable=self.retryable)
            real.run(ctx)

        return [Step(real.urn, real.type, real.name, real.operation, run)]


@pytest.fixture
def flaky(settings):
    settings.INFRA_STEP_RETRY_SECONDS = 0
    original = provider_for("local")

    def install(failures: int, retryable: bool = True) -> FlakyLocal:
        provider = FlakyLocal(failures, retryable)
        register(provider)
        return provider

    yield install
    register(original)


def test_a_retryable_provider_error_is_tried_again(owner, pending_network, flaky):
    provider = flaky(failures=2)
    operation = network_provision(principal=owner, network=pending_network)
    run_operation(operation.pk)
    assert Operation.objects.get(pk=operation.pk).status == "succeeded" and provider.calls == 3
    assert Network.objects.get(pk=pending_network.pk).iac_state["attempt"] == 2


def test_the_error_object_says_whether_a_failure_is_retryable(owner, pending_network, flaky):
    flaky(failures=5)
    operation = network_provision(principal=owner, network=pending_network)
    run_operation(operation.pk)
    operation.refresh_from_db()
    assert (operation.error["code"], operation.error["errorType"]) == ("throttled", "provider")
    assert operation.error["details"]["retryable"] is True


def test_a_resumed_operation_skips_the_steps_it_finished(owner, pending_network):
    operation = network_provision(principal=owner, network=pending_network)
    finished = {"urn": STORAGE_ROOT, "type": "t", "name": "n", "operation": "create", "status": "succeeded"}
    Operation.objects.filter(pk=operation.pk).update(
        status="running",
        started_at=clock.now(),
        progress={**operation.progress, "resources": [{**finished, "duration": 5}]},
    )
    with clock.frozen(clock.now() + timedelta(hours=1)):
        assert resume_stale_operations() == [operation.pk]
    run_operation(operation.pk)
    assert Operation.objects.get(pk=operation.pk).status == "succeeded"
    assert not layout.network_root(pending_network.pk).exists()  # the step did not run again


def test_an_operation_another_worker_runs_is_left_alone(owner, pending_network):
    operation = network_provision(principal=owner, network=pending_network)
    Operation.objects.filter(pk=operation.pk).update(status="running", started_at=clock.now())
    assert resume_stale_operations() == []  # its heartbeat is fresh
    run_operation(operation.pk)  # a duplicate task: the claim refuses it
    assert Operation.objects.get(pk=operation.pk).status == "running"
    assert not layout.network_root(pending_network.pk).exists()


def test_a_finished_operation_is_never_resumed(owner, pending_network):
    operation = network_provision(principal=owner, network=pending_network)
    run_operation(operation.pk)
    with clock.frozen(clock.now() + timedelta(hours=1)):
        assert resume_stale_operations() == []


def test_an_operation_whose_record_is_gone_fails_instead_of_coming_back(owner, pending_network):
    operation = network_provision(principal=owner, network=pending_network)
    Network.objects.filter(pk=pending_network.pk).delete()  # by hand (the API refuses while it provisions)
    run_operation(operation.pk)
    operation.refresh_from_db()
    assert operation.status == "failed" and "DoesNotExist" in operation.error["message"]
    assert OutboxEvent.objects.filter(event_type="operation.failed", resource_id=operation.pk).exists()
