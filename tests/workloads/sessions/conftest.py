"""Sessions on a local cluster: Acme's team Data (Bob a team member), a running local cluster shared with it, and
a named spark_connect compute config (the team's default)."""

import pytest

from apps.infra.models import Cluster
from apps.infra.services.cluster_teams import cluster_teams_add
from apps.infra.services.clusters import cluster_create
from apps.infra.services.connections import connection_create
from apps.infra.services.networks import network_create
from apps.org.models import Member, TeamRole
from apps.org.services.teams import team_create, team_member_add
from apps.workloads.models import ComputeConfig, ComputeInstance, InfraStatus, Session
from apps.workloads.services.compute_configs import compute_config_create
from apps.workloads.services.compute_instances import instance_release
from tests.infra.conftest import mark
from tests.org.conftest import owner_principal


def running_cluster(owner, team, name: str = "Interactive") -> Cluster:
    """A local cluster provisioning left active, shared with `team` (its job-facing record as provisioning makes it:
    provisioning itself, a Celery operation, is the infra tests' business)."""
    connection = mark(connection_create(principal=owner, name=f"{name} machine", provider="local"), "active")
    network = mark(network_create(principal=owner, connection=connection, name=name, region="local"), "active")
    provisioned = mark(
        cluster_create(principal=owner, connection=connection, network_id=network.pk, name=name), "active"
    )
    cluster_teams_add(principal=owner, cluster=provisioned, team_ids=[team.pk])
    return Cluster.objects.create(
        organization_id=provisioned.organization_id,
        provisioned_cluster=provisioned,
        connection=connection,
        network=network,
        name=provisioned.name,
        region=provisioned.region,
    )


def join(owner, team, user, role_key: str = "team_member") -> None:
    member = Member.objects.get(organization_id=team.organization_id, user=user)
    role = TeamRole.objects.get(organization_id=team.organization_id, key=role_key)
    team_member_add(principal=owner, team=team, member=member, role_ids=[role.pk])


@pytest.fixture
def owner(alice, acme):
    return owner_principal(alice, acme)


@pytest.fixture
def data_team(owner, bob):
    team = team_create(principal=owner, name="Data")
    join(owner, team, bob)
    return team


@pytest.fixture
def cluster(owner, data_team) -> Cluster:
    return running_cluster(owner, data_team)


@pytest.fixture
def spark_config(owner, data_team, cluster) -> ComputeConfig:
    return compute_config_create(
        principal=owner,
        name="Small",
        workload_type="spark_connect",
        cluster_id=cluster.pk,
        team_id=data_team.pk,
        config={"sail": {"executionMode": "standalone"}},
    )


@pytest.fixture
def as_bob(bob, acme):
    return owner_principal(bob, acme)


@pytest.fixture
def stop_session_servers(transactional_db):
    """Stops, after the test and before its rows are flushed, every session server it left running (the Sail plugin
    fails a run that leaks one)."""
    yield
    for instance_id in ComputeInstance.objects.exclude(
        infra_status__in=(InfraStatus.STOPPED, InfraStatus.FAILED)
    ).values_list("pk", flat=True):
        Session.objects.filter(compute_instance_id=instance_id).update(status="closed")
        instance_release(instance_id=instance_id)


def session_objects(owner, team) -> dict[str, str]:
    """A compute config of `team` on a running local cluster and an owner's pending session, for the permission
    matrix (no server is started: the session stays pending)."""
    from apps.workloads.services.sessions import session_create

    compute_config = compute_config_create(
        principal=owner,
        name="Matrix",
        workload_type="spark_connect",
        cluster_id=running_cluster(owner, team, name="Matrix sessions").pk,
        team_id=team.pk,
    )
    session = session_create(principal=owner, endpoint_type="spark_connect", workload_config_id=compute_config.pk)
    return {"session": session.pk, "workloadConfig": compute_config.pk}
