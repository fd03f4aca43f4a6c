"""The job lists against a bare Django JSON view of the same rows, measured in the same run.

    .venv/bin/python bench/workloads_lists.py [--jobs 100000] [--orgs 3] [--seconds 8] [--rounds 3] [--no-wrk]

Seeds (once) N jobs spread over M organizations in PostgreSQL (`BENCH_DATABASE_URL`, default
`postgres://postgres@127.0.0.1:5432/lakesail_bench`): each job with a published version 1 (SQL, a cron schedule,
compute settings) on its organization's cluster, shared with one of its 20 teams. Serves the console with gunicorn
(2 sync workers) and prints, for `/workloads/jobs` (keyset pages) and `/me/jobs` (numbered pages), first and
deepest page of 100 as an owner of the first organization: requests/s, p50, p99, the bare view's requests/s, the
ratio (medians of `--rounds` rounds, each row once per round, so that the machine's changing load reaches every
row alike), the database queries one request makes, and each list's deepest page against its first; then the
in-process CPU of each request and of its bare view.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import harness

ORG_NAME = "Bench Jobs {index}"
OWNER = "owner{index}@jobs.bench.test"
TEAMS = 20
BATCH = 5000
CONFIG = {
    "sql": {"source": "SELECT region, SUM(amount) AS total FROM sales GROUP BY region"},
    "compute": {"worker": {"instanceType": "c8g.4xlarge", "maxNodes": 4, "capacityType": "on-demand"}},
    "lakesail": {"executionMode": "standalone", "maxRetries": 3},
}


def _cluster(owner):
    """An active job-facing cluster of the owner's organization (records only: nothing is provisioned)."""
    from apps.infra.models import Cluster, ProvisionedCluster, ResourceStatus
    from apps.infra.services.clusters import cluster_create, cluster_provision
    from apps.infra.services.connections import connection_create
    from apps.infra.services.networks import network_create

    existing = Cluster.objects.filter(organization=owner.org).first()
    if existing is not None:
        return existing
    connection = connection_create(principal=owner, name="Bench machine", provider="local")
    type(connection).objects.filter(pk=connection.pk).update(status="active")
    connection.refresh_from_db()
    network = network_create(principal=owner, connection=connection, name="Bench", region="local")
    type(network).objects.filter(pk=network.pk).update(status="active")
    network.refresh_from_db()
    provisioned = cluster_create(principal=owner, connection=connection, network_id=network.pk, name="Bench")
    cluster_provision(principal=owner, cluster=provisioned)
    ProvisionedCluster.objects.filter(pk=provisioned.pk).update(status=ResourceStatus.ACTIVE)
    return Cluster.objects.get(provisioned_cluster=provisioned)


def _seed_org(index: int, jobs: int):
    """The organization (created once, with `jobs` jobs) and a principal for its owner."""
    from django.db import transaction

    from apps.core import clock
    from apps.core.principal import Principal
    from apps.identity.services.accounts import organization_bootstrap
    from apps.org.models import Member, Team
    from apps.org.services.teams import team_create
    from apps.workloads.models import Job, JobTeam, JobVersion

    org, _ = organization_bootstrap(
        name=ORG_NAME.format(index=index), email=OWNER.format(index=index), password="bench-pw-1"
    )
    member = Member.objects.get(organization=org, email=OWNER.format(index=index))
    owner = Principal(user=member.user, org=org, member=member)
    teams = list(Team.objects.filter(organization=org, name__startswith="Jobs team"))
    for number in range(len(teams), TEAMS):
        teams.append(team_create(principal=owner, name=f"Jobs team {number:02d}"))
    with transaction.atomic():
        cluster = _cluster(owner)
    have = Job.objects.filter(organization=org).count()
    now = clock.now()
    for start in range(have, jobs, BATCH):
        with transaction.atomic():  # the job → version key is deferred to the commit
            batch = [
                Job(organization=org, member=member, job_key=f"job-{i:06d}", description=f"Bench job {i}")
                for i in range(start, min(start + BATCH, jobs))
            ]
            versions = [
                JobVersion(
                    job=job,
                    number=1,
                    status="published",
                    published_at=now,
                    cluster=cluster,
                    member=member,
                    config=CONFIG,
                    cron_expression="0 2 * * *",
                    cron_timezone="America/New_York",
                )
                for job in batch
            ]
            for job, version in zip(batch, versions, strict=True):
                job.current_version_id, job.latest_version = version.pk, 1
            Job.objects.bulk_create(batch)
            JobVersion.objects.bulk_create(versions)
            JobTeam.objects.bulk_create(
                JobTeam(job=job, team=teams[i % TEAMS]) for i, job in enumerate(batch, start=start)
            )
    return org, member.user


def seed(jobs: int, orgs: int) -> tuple[str, str, int]:
    """Every organization seeded; the first one's id, a fresh owner token, and its number of jobs."""
    from django.db import connection

    from apps.identity.services.logins import login_create

    per_org = -(-jobs // orgs)
    first = None
    for index in range(1, orgs + 1):
        org, user = _seed_org(index, per_org)
        first = first or (org, user)
    org, user = first
    with connection.cursor() as cursor:
        # As autovacuum would have by now (it vacuums a table after 1,000 + 20% inserted rows): plans need the new
        # rows' statistics, and counting the organization's jobs is an index-only scan once the visibility map is set.
        cursor.execute("VACUUM ANALYZE workloads_job, workloads_jobversion, workloads_jobteam")
    _login, token = login_create(user=user)
    return org.pk, token, per_org


def _deepest_marker(org_id: str, per_org: int) -> str:
    """The marker a client holds after walking to the last page of /workloads/jobs (keyset: created_at, id)."""
    from apps.core.api.pagination import _encode_marker
    from apps.workloads.models import Job

    row = (
        Job.objects.filter(organization_id=org_id)
        .order_by("created_at", "id")
        .values_list("created_at", "id")[per_org - 101]
    )
    return _encode_marker(list(row))


def in_process(path: str, headers: dict[str, str], runs: int = 20) -> tuple[float, float]:
    """Median wall-clock and CPU milliseconds of one request through the Django test client (no server, no wrk):
    the CPU time is this process's own, which the load of a shared machine does not inflate."""
    import statistics
    import time

    from django.test import Client

    client = Client(**{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
    client.get(path)
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.thread_time()
        assert client.get(path).status_code == 200
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.thread_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--orgs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-wrk", action="store_true", help="in-process timings only")
    args = parser.parse_args()
    harness.setup_django(os.environ.get("BENCH_DATABASE_URL", harness.DEFAULT_DATABASE_URL))
    org_id, token, per_org = seed(args.jobs, args.orgs)
    headers = {"Authorization": f"Bearer {token}", "LakeSail-Organization-Id": org_id}
    # The deepest full page (the last one may hold a few jobs only): 100 rows at every depth, the bare view's too.
    deepest = per_org // 100
    pages = [
        ("GET /workloads/jobs (first)", "/api/v1/workloads/jobs?limit=100", 1),
        (
            "GET /workloads/jobs (deepest)",
            f"/api/v1/workloads/jobs?limit=100&marker={_deepest_marker(org_id, per_org)}",
            deepest,
        ),
        ("GET /me/jobs (first)", "/api/v1/me/jobs?limit=100", 1),
        ("GET /me/jobs (deepest)", f"/api/v1/me/jobs?limit=100&page={deepest}", deepest),
    ]
    print(f"{args.jobs} jobs over {args.orgs} organizations ({per_org} each)")
    bare_of = {page: f"/bench/bare/jobs?org={org_id}&limit=100&page={page}" for page in (1, deepest)}
    if not args.no_wrk:
        print(f"gunicorn 2 sync workers; wrk 4 connections, {args.seconds} s; median of {args.rounds} rounds")
        print(harness.HEADER)
        with harness.gunicorn() as base:
            queries = [harness.queries_per_request(path, headers) for _label, path, _page in pages]
            measured = [(base + path, headers, [base + bare_of[bare_page]]) for _label, path, bare_page in pages]
            medians = harness.paired_rounds(measured, rounds=args.rounds, seconds=args.seconds)
            for (label, _path, _page), (load, bare), count in zip(pages, medians, queries, strict=True):
                print(harness.report_row(label, load, bare, count), flush=True)
            for first in (0, 2):
                deep = medians[first + 1][0].requests_per_second / medians[first][0].requests_per_second
                print(f"deepest / first: {pages[first][0].removesuffix(' (first)')} {deep:.0%}")
    print("in-process, median of 20 (Django test client): wall ms / CPU ms; the bare view's CPU ms")
    for label, path, bare_page in pages:
        wall, cpu = in_process(path, headers)
        _wall, bare_cpu = in_process(bare_of[bare_page], {})
        print(f"{label:<44} {wall:>8.1f} {cpu:>8.1f} {bare_cpu:>8.1f}", flush=True)


if __name__ == "__main__":
    main()
