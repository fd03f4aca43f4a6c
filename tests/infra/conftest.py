import pytest

from apps.core.principal import Principal
from apps.infra.models import Connection, Network, ProvisionedCluster, ResourceStatus
from apps.infra.services.clusters import cluster_create
from apps.infra.services.connections import connection_create
from apps.infra.services.networks import network_create
from tests.org.conftest import owner_principal

WORKERS_2 = {"systemNodeGroup": {"name": "system", "minSize": 1, "maxSize": 2, "desiredSize": 2}}


@pytest.fixture
def owner(alice, acme) -> Principal:
    return owner_principal(alice, acme)


def mark(record, status: str):
    """Put a record in a state an operation would leave it in (the operations' own tests run them for real)."""
    type(record).objects.filter(pk=record.pk).update(status=status)
    record.refresh_from_db()
    return record


@pytest.fixture
def connection(owner) -> Connection:
    """Acme's verified `local` connection."""
    return mark(connection_create(principal=owner, name="This machine", provider="local"), "active")


@pytest.fixture
def network(owner, connection) -> Network:
    """An active local network (as provisioning leaves it)."""
    return mark(network_create(principal=owner, connection=connection, name="Loopback", region="local"), "active")


@pytest.fixture
def cluster(owner, connection, network) -> ProvisionedCluster:
    """A pending provisioned cluster of two workers."""
    return cluster_create(
        principal=owner, connection=connection, network_id=network.pk, name="Analytics", config=WORKERS_2
    )


@pytest.fixture
def active(cluster) -> ProvisionedCluster:
    return mark(cluster, ResourceStatus.ACTIVE)


@pytest.fixture
def data_team(owner):
    from apps.org.services.teams import team_create

    return team_create(principal=owner, name="Data")


def infra_objects(owner: Principal, team) -> dict[str, str]:
    """A local connection, an active network and a cluster shared with `team`, for the permission matrix."""
    from apps.infra.services.cluster_teams import cluster_teams_add

    connection = mark(connection_create(principal=owner, name="Matrix machine", provider="local"), "active")
    network = mark(network_create(principal=owner, connection=connection, name="Matrix", region="local"), "active")
    cluster = cluster_create(principal=owner, connection=connection, network_id=network.pk, name="Matrix")
    cluster_teams_add(principal=owner, cluster=cluster, team_ids=[team.pk])
    return {"connection": connection.pk, "network": network.pk, "cluster": cluster.pk}
