from typing import Any

from django.db import transaction

from apps.core import audit
from apps.core.errors import Conflict, InvalidInput
from apps.core.ids import new_id
from apps.core.operations import Operation
from apps.core.principal import Principal
from apps.infra.models import (
    BUSY_STATUSES,
    DELETABLE_STATUSES,
    Cluster,
    Connection,
    Network,
    ProvisionedCluster,
    ResourceStatus,
)
from apps.infra.selectors.clusters import cluster_team_ids
from apps.infra.services.networks import require_active_connection, require_region
from apps.infra.services.operations import iac_identity, operation_start
from apps.infra.services.validation import clean_name, cluster_config_errors, raise_field_errors
from apps.infra.specs import provider_of
from apps.org.access import require

PROVISIONABLE = (*DELETABLE_STATUSES, ResourceStatus.FAILED)


def _record(action: str, cluster: ProvisionedCluster, changes: dict[str, Any]) -> None:
    audit.record(
        action,
        organization_id=cluster.organization_id,
        target_type="provisioned_cluster",
        target_id=cluster.pk,
        changes=changes,
    )


def _require_manage(principal: Principal, cluster: ProvisionedCluster) -> None:
    require(principal, "CanManageClusters", cluster, team_ids=cluster_team_ids(cluster))


def _checked_config(connection: Connection, config: dict[str, Any]) -> dict[str, Any]:
    errors = cluster_config_errors(config) or provider_of(connection).config_errors("cluster", config)
    raise_field_errors(errors, prefix="config.", message="The cluster configuration is not valid.")
    return config


def _require_active_network(network: Network) -> None:
    if network.status != ResourceStatus.ACTIVE:
        raise Conflict(
            f"The network {network.name} is {network.status}: provision it first.", code="network_not_active"
        )


def _unique_name(org_id: str, name: str, exclude: str | None = None) -> str:
    taken = ProvisionedCluster.objects.filter(organization_id=org_id).exclude(pk=exclude)
    return clean_name(name, taken=taken, what="cluster")


@transaction.atomic
def cluster_create(
    *,
    principal: Principal,
    connection: Connection,
    network_id: str,
    name: str,
    region: str = "",
    config: dict[str, Any] | None = None,
) -> ProvisionedCluster:
    """A cluster record in `pending`, in an active network of an active connection; provisioning builds it."""
    require(principal, "CanManageClusters")
    require_active_connection(connection)
    network = Network.objects.filter(connection=connection, pk=network_id).first()
    if network is None:
        raise InvalidInput("Unknown network.", field_errors={"networkId": "No such network in this connection."})
    _require_active_network(network)
    region = region or network.region
    if region != network.region:
        raise InvalidInput("Wrong region.", field_errors={"region": f"Must be the network's region, {network.region}."})
    cluster_id = new_id()
    cluster = ProvisionedCluster.objects.create(
        id=cluster_id,
        organization_id=connection.organization_id,
        iac_state=iac_identity("cluster", connection.organization_id, cluster_id),
        connection=connection,
        network=network,
        name=_unique_name(connection.organization_id, name),
        region=require_region(connection, region),
        config=_checked_config(connection, dict(config or {})),
    )
    _record("cluster.create", cluster, {"name": cluster.name, "networkId": network.pk, "config": cluster.config})
    return cluster


@transaction.atomic
def cluster_update(
    *, principal: Principal, cluster: ProvisionedCluster, name: str | None = None, config: dict[str, Any] | None = None
) -> tuple[ProvisionedCluster, Operation | None]:
    """Rename, and change the configuration: an active cluster is updated in place by an operation."""
    _require_manage(principal, cluster)
    cluster = ProvisionedCluster.objects.select_for_update(of=("self",)).select_related("connection").get(pk=cluster.pk)
    if cluster.status in BUSY_STATUSES:
        raise Conflict(f"The cluster is {cluster.status}: wait for it to finish.", code="operation_in_progress")
    changes: dict[str, Any] = {}
    if name is not None:
        cluster.name = changes["name"] = _unique_name(cluster.organization_id, name, exclude=cluster.pk)
        Cluster.objects.filter(provisioned_cluster=cluster).update(name=cluster.name)
    operation = None
    if config is not None and config != cluster.config:
        cluster.config = changes["config"] = _checked_config(cluster.connection, dict(config))
        if cluster.status == ResourceStatus.ACTIVE:
            operation = operation_start(principal=principal, record=cluster, kind="cluster.update")
            cluster.status, cluster.status_message = ResourceStatus.UPDATING, ""
            changes["operationId"] = operation.pk
    cluster.save()
    _record("cluster.update", cluster, changes)
    return cluster, operation


@transaction.atomic
def cluster_provision(*, principal: Principal, cluster: ProvisionedCluster) -> Operation:
    """Build the cluster; the first provisioning creates the job-facing cluster jobs and sessions will name."""
    _require_manage(principal, cluster)
    cluster = (
        ProvisionedCluster.objects.select_for_update(of=("self",))
        .select_related("connection", "network")
        .get(pk=cluster.pk)
    )
    if cluster.status not in PROVISIONABLE:
        raise Conflict(f"The cluster is {cluster.status}: nothing to provision.", code="cluster_not_provisionable")
    require_active_connection(cluster.connection)
    _require_active_network(cluster.network)
    Cluster.objects.get_or_create(
        provisioned_cluster=cluster,
        defaults={
            "organization_id": cluster.organization_id,
            "connection_id": cluster.connection_id,
            "network_id": cluster.network_id,
            "name": cluster.name,
            "region": cluster.region,
        },
    )
    operation = operation_start(principal=principal, record=cluster, kind="cluster.provision")
    cluster.status, cluster.status_message = ResourceStatus.PROVISIONING, ""
    cluster.save()
    _record("cluster.provision", cluster, {"operationId": operation.pk})
    return operation


@transaction.atomic
def cluster_destroy(*, principal: Principal, cluster: ProvisionedCluster) -> Operation:
    """Destroy the cluster's infrastructure; the records stay (status `destroyed`) until deleted."""
    _require_manage(principal, cluster)
    cluster = ProvisionedCluster.objects.select_for_update().get(pk=cluster.pk)
    if cluster.status in BUSY_STATUSES or cluster.status in DELETABLE_STATUSES:
        raise Conflict(f"The cluster is {cluster.status}: nothing to destroy.", code="cluster_not_destroyable")
    operation = operation_start(principal=principal, record=cluster, kind="cluster.destroy")
    cluster.status, cluster.status_message = ResourceStatus.DESTROYING, ""
    cluster.save()
    _record("cluster.destroy", cluster, {"operationId": operation.pk})
    return operation


@transaction.atomic
def cluster_delete(*, principal: Principal, cluster: ProvisionedCluster) -> None:
    """Delete the records (provisioned and job-facing) of a cluster with no infrastructure left."""
    _require_manage(principal, cluster)
    if cluster.status not in DELETABLE_STATUSES:
        raise Conflict(
            f"The cluster is {cluster.status}: destroy it before deleting its record.", code="cluster_not_destroyed"
        )
    _record("cluster.delete", cluster, {"name": cluster.name, "clusterId": cluster.linked_cluster_id})
    cluster.delete()
