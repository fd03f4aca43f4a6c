from typing import Any

from django.db import transaction

from apps.core import audit
from apps.core.errors import Conflict, InvalidInput
from apps.core.ids import new_id
from apps.core.operations import Operation
from apps.core.principal import Principal
from apps.infra.errors import provider_call
from apps.infra.models import (
    BUSY_STATUSES,
    DELETABLE_STATUSES,
    Connection,
    ConnectionStatus,
    Network,
    ResourceStatus,
)
from apps.infra.services.operations import iac_identity, operation_start
from apps.infra.services.validation import clean_name, network_config_errors, raise_field_errors
from apps.infra.specs import connection_spec, provider_of
from apps.org.access import require


def _record(action: str, network: Network, changes: dict[str, Any]) -> None:
    audit.record(
        action, organization_id=network.organization_id, target_type="network", target_id=network.pk, changes=changes
    )


def require_active_connection(connection: Connection) -> None:
    if connection.status != ConnectionStatus.ACTIVE:
        raise Conflict(
            f"The connection {connection.name} is {connection.status}: verify it first.",
            code="connection_not_active",
        )


def require_region(connection: Connection, region: str) -> str:
    provider = provider_of(connection)
    with provider_call():
        regions = [r.id for r in provider.regions(connection_spec(connection))]
    if region not in regions:
        raise InvalidInput("Unknown region.", field_errors={"region": f"Must be one of: {', '.join(regions)}."})
    return region


def network_config_problems(*, connection: Connection, config: dict[str, Any]) -> dict[str, str]:
    """What creating a network with `config` through `connection` would refuse (keyed by path in `config`), asked
    before anything is written: the console checks a CIDR as it is typed."""
    return network_config_errors(config) or provider_of(connection).config_errors("network", config)


def _checked_config(connection: Connection, config: dict[str, Any]) -> dict[str, Any]:
    errors = network_config_problems(connection=connection, config=config)
    raise_field_errors(errors, prefix="config.", message="The network configuration is not valid.")
    return config


@transaction.atomic
def network_create(
    *, principal: Principal, connection: Connection, name: str, region: str, config: dict[str, Any] | None = None
) -> Network:
    require(principal, "CanManageNetworks")
    require_active_connection(connection)
    name = clean_name(name, taken=Network.objects.filter(connection=connection), what="network")
    network_id = new_id()
    network = Network.objects.create(
        id=network_id,
        organization_id=connection.organization_id,
        iac_state=iac_identity("network", connection.organization_id, network_id),
        connection=connection,
        name=name,
        region=require_region(connection, region),
        config=_checked_config(connection, dict(config or {})),
    )
    _record("network.create", network, {"name": name, "region": region, "config": network.config})
    return network


@transaction.atomic
def network_update(
    *, principal: Principal, network: Network, name: str | None = None, config: dict[str, Any] | None = None
) -> Network:
    """Rename; change the configuration only while no infrastructure exists (it is what gets provisioned)."""
    require(principal, "CanManageNetworks", network)
    # Locked and fresh: a running operation may have changed the status since the caller read it.
    network = Network.objects.select_for_update(of=("self",)).select_related("connection").get(pk=network.pk)
    changes: dict[str, Any] = {}
    if name is not None:
        taken = Network.objects.filter(connection_id=network.connection_id).exclude(pk=network.pk)
        network.name = changes["name"] = clean_name(name, taken=taken, what="network")
    if config is not None and config != network.config:
        if network.status not in (*DELETABLE_STATUSES, ResourceStatus.FAILED):
            raise Conflict(
                f"The network is {network.status}: its configuration cannot change.", code="network_not_editable"
            )
        network.config = changes["config"] = _checked_config(network.connection, dict(config))
    network.save()
    _record("network.update", network, changes)
    return network


@transaction.atomic
def network_provision(*, principal: Principal, network: Network) -> Operation:
    require(principal, "CanManageNetworks", network)
    network = Network.objects.select_for_update(of=("self",)).select_related("connection").get(pk=network.pk)
    if network.status not in (*DELETABLE_STATUSES, ResourceStatus.FAILED):
        raise Conflict(f"The network is {network.status}: nothing to provision.", code="network_not_provisionable")
    require_active_connection(network.connection)
    operation = operation_start(principal=principal, record=network, kind="network.provision")
    network.status, network.status_message = ResourceStatus.PROVISIONING, ""
    network.save()
    _record("network.provision", network, {"operationId": operation.pk})
    return operation


@transaction.atomic
def network_destroy(*, principal: Principal, network: Network) -> Operation:
    """Destroy the network's infrastructure; its record stays (status `destroyed`) until deleted."""
    require(principal, "CanManageNetworks", network)
    network = Network.objects.select_for_update().get(pk=network.pk)
    if network.status in BUSY_STATUSES or network.status in DELETABLE_STATUSES:
        raise Conflict(f"The network is {network.status}: nothing to destroy.", code="network_not_destroyable")
    clusters = network.clusters.exclude(status=ResourceStatus.DESTROYED)
    if clusters.exists():
        names = ", ".join(f"{c.name} ({c.status})" for c in clusters)
        raise Conflict(f"Destroy or delete the network's clusters first: {names}.", code="network_in_use")
    operation = operation_start(principal=principal, record=network, kind="network.destroy")
    network.status, network.status_message = ResourceStatus.DESTROYING, ""
    network.save()
    _record("network.destroy", network, {"operationId": operation.pk})
    return operation


@transaction.atomic
def network_delete(*, principal: Principal, network: Network) -> None:
    require(principal, "CanManageNetworks", network)
    if network.status not in DELETABLE_STATUSES:
        raise Conflict(
            f"The network is {network.status}: destroy it before deleting its record.", code="network_not_destroyed"
        )
    clusters = list(network.clusters.values_list("name", flat=True))
    if clusters:
        raise Conflict(f"Delete the network's cluster records first: {', '.join(clusters)}.", code="network_in_use")
    _record("network.delete", network, {"name": network.name})
    network.delete()
