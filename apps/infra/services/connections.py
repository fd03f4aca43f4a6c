import dataclasses
from typing import Any

from django.db import transaction

from apps.core import audit, clock
from apps.core.errors import Conflict
from apps.core.operations import Operation
from apps.core.principal import Principal
from apps.infra.errors import provider_call
from apps.infra.models import DELETABLE_STATUSES, Cluster, Connection, ConnectionStatus, Network, ProvisionedCluster
from apps.infra.services.operations import operation_start
from apps.infra.services.validation import clean_name, raise_field_errors, registered_provider
from apps.infra.specs import connection_spec, provider_of
from apps.org.access import require


def _record(action: str, connection: Connection, changes: dict[str, Any]) -> None:
    audit.record(
        action,
        organization_id=connection.organization_id,
        target_type="connection",
        target_id=connection.pk,
        changes=changes,
    )


@transaction.atomic
def connection_create(
    *, principal: Principal, name: str, provider: str, provider_config: dict[str, Any] | None = None
) -> Connection:
    require(principal, "CanManageConnections")
    config = dict(provider_config or {})
    name = clean_name(name, taken=Connection.objects.filter(organization=principal.org), what="connection")
    errors = registered_provider(provider).config_errors("connection", config)
    raise_field_errors(errors, prefix="providerConfig.", message="The provider configuration is not valid.")
    connection = Connection.objects.create(
        organization=principal.org, name=name, provider=provider, provider_config=config
    )
    _record("connection.create", connection, {"name": name, "provider": provider, "providerConfig": config})
    return connection


@transaction.atomic
def connection_update(
    *,
    principal: Principal,
    connection: Connection,
    name: str | None = None,
    provider_config: dict[str, Any] | None = None,
) -> Connection:
    """Rename, or change the provider configuration (which asks for a new verification)."""
    require(principal, "CanManageConnections", connection)
    connection = Connection.objects.select_for_update().get(pk=connection.pk)  # fresh: a sync may have changed it
    changes: dict[str, Any] = {}
    if name is not None:
        taken = Connection.objects.filter(organization_id=connection.organization_id).exclude(pk=connection.pk)
        connection.name = changes["name"] = clean_name(name, taken=taken, what="connection")
    if provider_config is not None and provider_config != connection.provider_config:
        errors = provider_of(connection).config_errors("connection", provider_config)
        raise_field_errors(errors, prefix="providerConfig.", message="The provider configuration is not valid.")
        connection.provider_config = changes["providerConfig"] = dict(provider_config)
        connection.status = ConnectionStatus.PENDING
        connection.status_message = "The configuration changed: verify the connection again."
    connection.save()
    _record("connection.update", connection, changes)
    return connection


@transaction.atomic
def connection_delete(*, principal: Principal, connection: Connection) -> None:
    """Delete a connection whose networks and clusters hold no infrastructure (their records go with it)."""
    require(principal, "CanManageConnections", connection)
    if connection.last_operation is not None and not connection.last_operation.is_terminal:
        raise Conflict("A template sync is running: wait for it to end.", code="operation_in_progress")
    clusters = ProvisionedCluster.objects.filter(connection=connection)
    networks = Network.objects.filter(connection=connection)
    live = [f"cluster {c.name} ({c.status})" for c in clusters.exclude(status__in=DELETABLE_STATUSES)]
    live += [f"network {n.name} ({n.status})" for n in networks.exclude(status__in=DELETABLE_STATUSES)]
    if live:
        raise Conflict(
            f"Destroy what this connection still provisions first: {', '.join(live)}.", code="connection_in_use"
        )
    removed = {"clusterIds": sorted(clusters.values_list("pk", flat=True))}
    removed["networkIds"] = sorted(networks.values_list("pk", flat=True))
    Cluster.objects.filter(connection=connection).delete()
    clusters.delete()
    networks.delete()
    _record("connection.delete", connection, {"name": connection.name, **removed})
    connection.delete()


def connection_verify(*, principal: Principal, connection: Connection, role_arn: str | None = None) -> Connection:
    """Ask the provider whether the account is set up (aws: assume the role); the connection records the answer."""
    require(principal, "CanManageConnections", connection)
    provider = provider_of(connection)
    config = dict(connection.provider_config)
    if role_arn:
        config["roleArn"] = role_arn
        errors = provider.config_errors("connection", config)
        raise_field_errors(
            {key: value for key, value in errors.items() if key == "roleArn"},
            prefix="",
            message="The role ARN is not valid.",
        )
    spec = dataclasses.replace(connection_spec(connection), provider_config=config)
    with provider_call():  # outside the transaction: a provider call may take seconds
        result = provider.verify(spec)
    with transaction.atomic():
        connection = Connection.objects.select_for_update().get(pk=connection.pk)
        connection.provider_config = config
        connection.status = ConnectionStatus.ACTIVE if result.ok else ConnectionStatus.FAILED
        connection.status_message = result.message
        connection.last_used_at = clock.now()
        connection.save()
        _record("connection.verify", connection, {"status": connection.status, "message": result.message})
    return connection


@transaction.atomic
def connection_sync_template(*, principal: Principal, connection: Connection) -> Operation:
    """Update the customer's connection stack to the current template, as an operation."""
    require(principal, "CanManageConnections", connection)
    connection = (
        Connection.objects.select_for_update(of=("self",)).select_related("last_operation").get(pk=connection.pk)
    )
    with provider_call():  # 409 at once for a provider without a template (local)
        provider_of(connection).template_sync_steps(connection_spec(connection))
    if connection.status != ConnectionStatus.ACTIVE:
        raise Conflict("Verify the connection before syncing its template.", code="connection_not_active")
    running = connection.last_operation
    if running is not None and not running.is_terminal:
        raise Conflict("A template sync is already running.", code="operation_in_progress")
    operation = operation_start(principal=principal, record=connection, kind="connection.sync_template")
    connection.template_sync_message = "Syncing the template…"
    connection.save()
    _record("connection.sync_template", connection, {"operationId": operation.pk})
    return operation
