"""Starting infra operations and recording how they end. The runner (`apps.infra.runner`) executes them.

Each kind names the record it works on, the provider steps it runs and the status the record gets when it
succeeds. Services start operations in their own transaction (`operation_start`); the task is enqueued after
commit, so a worker never sees an operation whose transaction rolled back.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Model

from apps.core import audit, clock
from apps.core.errors import ApplicationError
from apps.core.events import publish
from apps.core.operations import Operation, OperationReporter, operation_create
from apps.core.principal import Principal
from apps.infra.models import Cluster, Connection, Network, ProvisionedCluster, ResourceStatus
from apps.infra.providers.base import Step, StepContext
from apps.infra.specs import cluster_spec, connection_spec, network_spec, provider_of

RESOURCE_TYPES: dict[type[Model], str] = {
    Connection: "connection",
    Network: "network",
    ProvisionedCluster: "provisioned_cluster",
}


@dataclass(frozen=True)
class Kind:
    model: type[Model]
    steps: Callable[[Any], list[Step]]
    succeeded_status: str | None  # the record's status after success (None: the connection's is unchanged)
    event: str | None = None  # published on the job-facing cluster when the operation succeeds


def _network_steps(network: Network) -> list[Step]:
    return provider_of(network.connection).network_steps(connection_spec(network.connection), network_spec(network))


def _network_destroy_steps(network: Network) -> list[Step]:
    provider = provider_of(network.connection)
    return provider.network_destroy_steps(connection_spec(network.connection), network_spec(network))


def _cluster_steps(cluster: ProvisionedCluster) -> list[Step]:
    return provider_of(cluster.connection).cluster_steps(connection_spec(cluster.connection), cluster_spec(cluster))


def _cluster_destroy_steps(cluster: ProvisionedCluster) -> list[Step]:
    provider = provider_of(cluster.connection)
    return provider.cluster_destroy_steps(connection_spec(cluster.connection), cluster_spec(cluster))


def _template_sync_steps(connection: Connection) -> list[Step]:
    return provider_of(connection).template_sync_steps(connection_spec(connection))


KINDS: dict[str, Kind] = {
    "network.provision": Kind(Network, _network_steps, ResourceStatus.ACTIVE),
    "network.destroy": Kind(Network, _network_destroy_steps, ResourceStatus.DESTROYED),
    "cluster.provision": Kind(ProvisionedCluster, _cluster_steps, ResourceStatus.ACTIVE, "cluster.provisioned"),
    "cluster.update": Kind(ProvisionedCluster, _cluster_steps, ResourceStatus.ACTIVE),
    "cluster.destroy": Kind(ProvisionedCluster, _cluster_destroy_steps, ResourceStatus.DESTROYED, "cluster.destroyed"),
    "connection.sync_template": Kind(Connection, _template_sync_steps, None),
}


def iac_identity(project: str, organization_id: str, record_id: str) -> dict[str, str]:
    """The wire `iacState` names the infrastructure-as-code stack of a record; steps add their resource ids to it."""
    return {"projectName": f"lakesail-{project}", "stackName": f"lakesail-{organization_id}-{record_id}".lower()}


def operation_start(*, principal: Principal, record: Any, kind: str) -> Operation:
    """Create the operation for `record` (in the caller's transaction) and enqueue it once that commits."""
    from apps.infra.tasks import run_infra_operation  # the tasks module imports the services

    operation = operation_create(
        organization_id=record.organization_id,
        operation=kind,
        member_id=principal.member.pk if principal.member is not None else "",
        resource_type=RESOURCE_TYPES[type(record)],
        resource_id=record.pk,
    )
    record.last_operation = operation
    transaction.on_commit(lambda: run_infra_operation.delay(operation.pk), robust=True)
    return operation


def load(kind: str, record_id: str) -> Any:
    """The operation's record, fresh, with what building its steps reads."""
    model = KINDS[kind].model
    related = {Connection: (), Network: ("connection",), ProvisionedCluster: ("connection", "network")}[model]
    return model.objects.select_related(*related).get(pk=record_id)


def step_context(record: Any) -> StepContext:
    if isinstance(record, Connection):
        return StepContext(state=dict(record.template_state), outputs={})
    return StepContext(state=dict(record.iac_state), outputs=dict(record.iac_outputs))


def save_step(record: Any, ctx: StepContext) -> None:
    """Persist what a step recorded, whatever its outcome (a failed step may have created something)."""
    model = type(record)
    if isinstance(record, Connection):
        config = {**record.provider_config, **ctx.outputs}
        model.objects.filter(pk=record.pk).update(
            template_state=ctx.state, provider_config=config, last_used_at=clock.now(), updated_at=clock.now()
        )
        return
    model.objects.filter(pk=record.pk).update(iac_state=ctx.state, iac_outputs=ctx.outputs, updated_at=clock.now())
    Connection.objects.filter(pk=record.connection_id).update(last_used_at=clock.now())


@transaction.atomic
def operation_succeeded(*, operation_id: str, kind: str, record_id: str, reporter: OperationReporter) -> None:
    spec = KINDS[kind]
    record = spec.model.objects.select_for_update().get(pk=record_id)
    if isinstance(record, Connection):
        record.template_synced_at = clock.now()
        record.template_sync_message = "The connection's template is up to date."
        record.save(update_fields=["template_synced_at", "template_sync_message", "updated_at"])
    else:
        record.status = spec.succeeded_status
        record.status_message = ""
        _lift_outputs(record)
        record.save()
    audit.record(
        f"{kind}.succeeded",
        organization_id=record.organization_id,
        target_type=RESOURCE_TYPES[type(record)],
        target_id=record.pk,
        changes={"operationId": operation_id},
    )
    cluster = Cluster.objects.filter(provisioned_cluster_id=record.pk).first() if spec.event else None
    if cluster is not None:
        publish(spec.event, cluster, {**_cluster_payload(record), "operationId": operation_id})
    # The record is the result (its status, iacOutputs): the reference types `result` as another endpoint's listing.
    reporter.succeed(None, message=f"{kind} succeeded")


def _lift_outputs(record: Any) -> None:
    outputs = record.iac_outputs
    if isinstance(record, Network):
        record.provider_network_id = str(outputs.get("providerNetworkId") or record.provider_network_id)
    elif isinstance(record, ProvisionedCluster):
        record.provider_metadata = outputs.get("providerMetadata") or record.provider_metadata
        record.job_runner_role_arn = str(outputs.get("jobRunnerRoleArn") or record.job_runner_role_arn)


@transaction.atomic
def operation_failed(
    *, operation_id: str, kind: str, record_id: str, error: ApplicationError, reporter: OperationReporter
) -> None:
    record = KINDS[kind].model.objects.select_for_update().filter(pk=record_id).first()
    if record is None:  # deleted by hand while the operation waited: nothing to mark
        _announce_failure(reporter.fail(error), error)
        return
    if isinstance(record, Connection):
        record.template_sync_message = error.message
        record.save(update_fields=["template_sync_message", "updated_at"])
    else:
        record.status = ResourceStatus.FAILED
        record.status_message = error.message
        record.save(update_fields=["status", "status_message", "updated_at"])
    audit.record(
        f"{kind}.failed",
        organization_id=record.organization_id,
        target_type=RESOURCE_TYPES[type(record)],
        target_id=record.pk,
        changes={"operationId": operation_id, "error": error.code, "message": error.message},
        outcome=audit.FAILURE,
    )
    _announce_failure(reporter.fail(error), error)


def _announce_failure(operation: Operation, error: ApplicationError) -> None:
    payload = {
        "operation": operation.operation,
        "resourceType": operation.resource_type,
        "resourceId": operation.resource_id,
        "code": error.code,
        "message": error.message,
        "retryable": error.retryable,
    }
    publish("operation.failed", operation, payload)


def _cluster_payload(cluster: ProvisionedCluster) -> dict[str, Any]:
    return {
        "name": cluster.name,
        "provisionedClusterId": cluster.pk,
        "connectionId": cluster.connection_id,
        "networkId": cluster.network_id,
        "teamIds": list(cluster.team_links.values_list("team_id", flat=True)),  # who hears of it (notifications)
    }
