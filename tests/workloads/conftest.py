import datetime as dt

import pytest

from apps.core.ids import new_id
from apps.workloads.runner import SailTarget

# Runs for seconds to minutes on two cores: long enough to time out or cancel.
LONG_QUERY = "SELECT sum(a.id * b.id) FROM range(100000) a CROSS JOIN range(100000) b"


@pytest.fixture
def target(sail_server) -> SailTarget:
    """The session's Sail server, as a cluster's server the runner is pointed at."""
    return SailTarget(host=sail_server.host, port=sail_server.port)


@pytest.fixture
def run_id() -> str:
    return new_id()


# --- Authoring: catalogs, saved queries, jobs ---

SQL_CONFIG = {"sql": {"source": "SELECT 1 AS one"}}


def usable_cluster(owner, team, name: str = "Jobs"):
    """An active job-facing cluster shared with `team`, as provisioning leaves it (infra's own tests provision)."""
    from apps.infra.models import ResourceStatus
    from apps.infra.services.cluster_teams import cluster_teams_add
    from apps.infra.services.clusters import cluster_create, cluster_provision
    from apps.infra.services.connections import connection_create
    from apps.infra.services.networks import network_create
    from tests.infra.conftest import mark

    connection = mark(connection_create(principal=owner, name=f"{name} machine", provider="local"), "active")
    network = mark(network_create(principal=owner, connection=connection, name=name, region="local"), "active")
    provisioned = cluster_create(principal=owner, connection=connection, network_id=network.pk, name=name)
    cluster_teams_add(principal=owner, cluster=provisioned, team_ids=[team.pk])
    cluster_provision(principal=owner, cluster=provisioned)
    mark(provisioned, ResourceStatus.ACTIVE)
    return provisioned.cluster


def workloads_objects(owner, team) -> dict[str, str]:
    """A catalog, a saved query, a job (with version 1) and a held run of it shared with `team`, for the permission
    matrix.

    No `jobVersionNumber`: the matrix checks that no Acme value appears in another organization's answers, and a
    version number ("1") is a digit of every request id; the version paths meet the real job all the same."""
    from apps.workloads.models import JobBackfill
    from apps.workloads.services.catalogs import catalog_create
    from apps.workloads.services.jobs import job_create
    from apps.workloads.services.queries import query_create
    from apps.workloads.services.runs import run_create

    cluster = usable_cluster(owner, team, name="Matrix jobs")
    catalog = catalog_create(
        principal=owner, name="Matrix catalog", provider="memory", config_write={}, team_ids=[team.pk]
    )
    query = query_create(principal=owner, values={"name": "Matrix query", "queryText": "SELECT 1"}, team_ids=[team.pk])
    job = job_create(
        principal=owner,
        job_key="matrix-job",
        team_ids=[team.pk],
        fields={"clusterId": cluster.pk, "config": SQL_CONFIG},
    )
    run = run_create(principal=owner, job=job, hold=True)
    # The job has no schedule to backfill: the backfill record alone, as a past backfill leaves it.
    backfill = JobBackfill.objects.create(
        organization_id=job.organization_id,
        job=job,
        version_number=1,
        range_from=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        range_to=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
    )
    return {"catalog": catalog.pk, "query": query.pk, "job": job.pk, "jobRun": run.pk, "backfill": backfill.pk}


@pytest.fixture
def author(alice, acme):
    """Alice (owner of Acme) as a principal for services."""
    from tests.org.conftest import owner_principal

    return owner_principal(alice, acme)


@pytest.fixture
def team(author):
    from apps.org.services.teams import team_create

    return team_create(principal=author, name="Data")


@pytest.fixture
def cluster(author, team):
    return usable_cluster(author, team)


@pytest.fixture
def job_body(cluster, team):
    """A valid body for POST /workloads/jobs."""
    return {
        "jobKey": "daily-sales",
        "clusterId": cluster.pk,
        "description": "Daily sales",
        "config": SQL_CONFIG,
        "teamIds": [team.pk],
    }


@pytest.fixture
def member_of_team(acme, author):
    """Put a user in a team with a team role (team_member by default)."""
    from apps.org.models import Member, TeamRole
    from apps.org.services.teams import team_member_add

    def add(user, team, role_key: str = "team_member"):
        role = TeamRole.objects.get(organization=acme, key=role_key)
        member = Member.objects.get(organization=acme, user=user)
        return team_member_add(principal=author, team=team, member=member, role_ids=[role.pk])

    return add


@pytest.fixture
def viewer_in_team(acme, team, member_of_team):
    """Vera: Viewer of Acme and team viewer of `team`: sees its resources, changes nothing."""
    from apps.identity.services.users import user_create
    from apps.org.services.organizations import member_add
    from tests.conftest import PASSWORD

    vera = user_create(email="vera@acme.test", password=PASSWORD)
    member_add(org=acme, user=vera, role_keys=["viewer"])
    member_of_team(vera, team, "team_viewer")
    return vera


@pytest.fixture
def member_of(alice, acme):
    """Alice's membership of Acme (the `memberId` of what she authors)."""
    from apps.org.models import Member

    return Member.objects.get(organization=acme, user=alice)
