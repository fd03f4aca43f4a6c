"""The run lists at 1,000,000 runs against a bare Django JSON view of the same rows, measured in the same run.

    .venv/bin/python bench/runs_lists.py [--runs 1000000] [--jobs 1000] [--big 400000] [--seconds 5] [--rounds 3]

Seeds (once; `COPY`, about six minutes) `--jobs` jobs over three organizations in PostgreSQL (`BENCH_DATABASE_URL`,
default `postgres://postgres@127.0.0.1:5432/lakesail_bench_runs`), each shared with one of 20 teams, and `--runs`
runs spread over a year: `--big` of them in one job of the first organization (`job-000000`, three versions), the
rest evenly over the other jobs; the jobs of the first organization's team 19 stopped running eleven months ago.
Statuses, triggers and timings are what a year of schedules leaves: mostly succeeded scheduled runs, some failed,
cancelled and timed out, retries, backfills and manual runs, and an active run at the head of some jobs.

Serves the console with gunicorn (2 sync workers) and measures with wrk (4 connections), each against its bare view
(`bench/bare.py: bare_runs`, `values()` of the same 100 rows) in the same run, `--rounds` times over (medians):
`/workloads/jobs/{big job}/runs` (first and deepest page), `/me/jobs/runs` as an owner (first and deepest) and as
a member of team 19 only (first and deepest); then times each request in-process (median of 20, wall and CPU), and
the first page of each list under each filter.
"""

import argparse
import datetime as dt
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import harness

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lakesail_bench_runs")
ORG_NAME = "Bench Runs {index}"
OWNER = "owner{index}@runs.bench.test"
TEAM_ONLY = "team19@runs.bench.test"
TEAMS = 20
QUIET_TEAM = 19  # its jobs' runs are all older than a month into the year
END = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
YEAR = dt.timedelta(days=365)
CONFIG = {"sql": {"source": "SELECT region, SUM(amount) AS total FROM sales GROUP BY region"}}
STATUSES = [("succeeded", 0.90), ("failed", 0.06), ("cancelled", 0.025), ("timeout", 0.015)]
TRIGGERS = [("schedule", 0.85), ("manual", 0.08), ("retry", 0.04), ("backfill", 0.02), ("dependency", 0.01)]
ACTIVE = ["running", "ready", "pending", "creating_sail", "starting"]


def _org(index: int, jobs: int, versions_of_first: int):
    """The organization with its teams, cluster and `jobs` jobs (created once); its owner member and jobs."""
    from django.db import transaction

    from apps.core.principal import Principal
    from apps.identity.services.accounts import organization_bootstrap
    from apps.org.models import Member, Team
    from apps.org.services.teams import team_create
    from apps.workloads.models import Job, JobTeam, JobVersion
    from bench.workloads_lists import _cluster

    org, _ = organization_bootstrap(
        name=ORG_NAME.format(index=index), email=OWNER.format(index=index), password="bench-pw-1"
    )
    member = Member.objects.get(organization=org, email=OWNER.format(index=index))
    owner = Principal(user=member.user, org=org, member=member)
    teams = list(Team.objects.filter(organization=org, name__startswith="Runs team").order_by("name"))
    for number in range(len(teams), TEAMS):
        teams.append(team_create(principal=owner, name=f"Runs team {number:02d}"))
    with transaction.atomic():
        cluster = _cluster(owner)
    if not Job.objects.filter(organization=org).exists():
        with transaction.atomic():  # the job → version key is deferred to the commit
            batch = [
                Job(organization=org, member=member, job_key=f"job-{i:06d}", description=f"Bench job {i}")
                for i in range(jobs)
            ]
            versions = []
            for i, job in enumerate(batch):
                count = versions_of_first if i == 0 else 1
                for number in range(1, count + 1):
                    versions.append(
                        JobVersion(
                            job=job,
                            number=number,
                            status="published",
                            published_at=END - YEAR,
                            cluster=cluster,
                            member=member,
                            config=CONFIG,
                            cron_expression="*/5 * * * *",
                        )
                    )
                job.current_version_id, job.latest_version = versions[-1].pk, count
            Job.objects.bulk_create(batch)
            JobVersion.objects.bulk_create(versions)
            JobTeam.objects.bulk_create(JobTeam(job=job, team=teams[i % TEAMS]) for i, job in enumerate(batch))
    return org, member, teams


def _pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    roll, total = rng.random(), 0.0
    for value, weight in weighted:
        total += weight
        if roll < total:
            return value
    return weighted[-1][0]


def _rows(job, versions, cluster_id: str, member_id: str, count: int, start: dt.datetime, end: dt.datetime, rng):
    """`count` runs of `job` between start and end, oldest first, as COPY rows (the columns of `_COLUMNS`)."""
    from apps.core.ids import new_id

    step = (end - start) / count
    for i in range(count):
        slot = start + step * i
        created = slot + dt.timedelta(milliseconds=rng.randrange(0, 900))
        newest = i == count - 1
        status = rng.choice(ACTIVE) if newest and rng.random() < 0.3 else _pick(rng, STATUSES)
        trigger = _pick(rng, TRIGGERS)
        version = versions[min(len(versions) - 1, i * len(versions) // count)]
        attempt = 1 + (rng.randrange(1, 3) if trigger == "retry" else 0)
        executed = status not in ("pending", "ready")
        dispatched = created + dt.timedelta(milliseconds=rng.randrange(200, 1500)) if executed else None
        started = dispatched + dt.timedelta(milliseconds=rng.randrange(20, 400)) if executed else None
        terminal = status in ("succeeded", "failed", "cancelled", "timeout")
        seconds = rng.uniform(2, 600) if terminal else None
        completed = started + dt.timedelta(seconds=seconds) if terminal else None
        finished = completed + dt.timedelta(milliseconds=rng.randrange(5, 200)) if terminal else None
        succeeded = status == "succeeded"
        yield (
            new_id(),
            created,
            member_id if trigger == "manual" else "",
            finished or dispatched or created,
            "",
            job.organization_id,
            job.pk,
            version.pk,
            version.number,
            cluster_id,
            status,
            {"failed": "Query failed: table not found", "timeout": "Timed out after 600 s"}.get(status, ""),
            status == "pending",
            "held" if status == "pending" else "",
            "{}",
            trigger,
            "always",
            None,
            None,
            slot if trigger in ("schedule", "backfill") else None,
            f"BF{job.pk[:8]}" if trigger == "backfill" else "",
            attempt,
            attempt - 1 if trigger == "retry" else 0,
            None,
            None,
            dispatched,
            completed or dispatched,
            "bench-worker:1234" if executed else "",
            finished,
            started,
            completed,
            int(seconds * 1_000_000) if seconds is not None else None,
            f"/var/lib/lakesail/runs/{job.pk}/result.parquet" if succeeded else "",
            rng.randrange(0, 5_000_000) if succeeded else None,
            None,
            "",
            "",
            status == "failed" and rng.random() < 0.2,
            round(seconds * 0.00012, 6) if seconds is not None else None,
            finished + dt.timedelta(seconds=2) if terminal else None,
        )


_COLUMNS = (
    "id",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "organization_id",
    "job_id",
    "version_id",
    "version_number",
    "cluster_id",
    "status",
    "status_message",
    "hold",
    "pending_reason",
    "pending_detail",
    "trigger",
    "resource_cleanup_mode",
    "parameters",
    "named_parameters",
    "scheduled_for",
    "backfill_id",
    "attempt",
    "auto_retries",
    "not_before",
    "cancel_requested_at",
    "dispatched_at",
    "heartbeat_at",
    "worker",
    "finished_at",
    "runner_started_at",
    "runner_completed_at",
    "runner_execution_time_us",
    "output_path",
    "row_count",
    "preview",
    "log_dir",
    "sail_process_id",
    "retryable",
    "estimated_cost",
    "cleaned_at",
)


def _copy_runs(jobs_with_counts, member_id: str, rng: random.Random) -> None:
    from django.db import connection, transaction

    from apps.workloads.models import JobVersion

    columns = ", ".join(f'"{c}"' for c in _COLUMNS)
    for job, count, start, end in jobs_with_counts:
        versions = list(JobVersion.objects.filter(job=job).order_by("number"))
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY workloads_jobrun ({columns}) FROM STDIN") as copy,
        ):
            for row in _rows(job, versions, versions[0].cluster_id, member_id, count, start, end, rng):
                copy.write_row(row)


def seed(runs: int, jobs: int, big: int) -> dict:
    """Every organization and run seeded (once); what the measurements need."""
    from django.db import connection

    from apps.identity.models import User
    from apps.identity.services.logins import login_create
    from apps.identity.services.users import user_create
    from apps.org.models import Member, TeamRole
    from apps.org.services.organizations import member_add
    from apps.org.services.teams import team_member_add
    from apps.workloads.models import Job, JobRun, JobTeam

    rng = random.Random(16)
    per_org = -(-jobs // 3)
    rest = runs - big
    orgs = [_org(index, per_org, 3 if index == 1 else 1) for index in (1, 2, 3)]
    first_org, first_member, teams = orgs[0]
    if not JobRun.objects.exists():
        others = [
            (job, org) for org, _m, _t in orgs for job in Job.objects.filter(organization=org).order_by("job_key")
        ]
        others = [(job, org) for job, org in others if not (org == first_org and job.job_key == "job-000000")]
        quiet = set(JobTeam.objects.filter(team=teams[QUIET_TEAM]).values_list("job_id", flat=True))
        each, extra = divmod(rest, len(others))
        plan = [(Job.objects.get(organization=first_org, job_key="job-000000"), big, END - YEAR, END)]
        for i, (job, _owner_org) in enumerate(others):
            end = END - dt.timedelta(days=335) if job.pk in quiet else END - dt.timedelta(minutes=rng.randrange(1, 600))
            plan.append((job, each + (1 if i < extra else 0), END - YEAR, end))
        print(f"seeding {runs} runs over {len(plan)} jobs ...", flush=True)
        _copy_runs(plan, first_member.pk, rng)
    with connection.cursor() as cursor:  # as autovacuum would have by now: plans need the new rows' statistics
        cursor.execute("VACUUM ANALYZE workloads_jobrun, workloads_jobruncount, workloads_job, workloads_jobteam")
    viewer = User.objects.filter(email=TEAM_ONLY).first() or user_create(email=TEAM_ONLY, password="bench-pw-1")
    member_add(org=first_org, user=viewer, role_keys=["member"])
    viewer_member = Member.objects.get(organization=first_org, user=viewer)
    team = teams[QUIET_TEAM]
    if not team.memberships.filter(member=viewer_member).exists():
        from apps.core.principal import Principal

        owner = Principal(user=first_member.user, org=first_org, member=first_member)
        role = TeamRole.objects.get(organization=first_org, key="team_member")
        team_member_add(principal=owner, team=team, member=viewer_member, role_ids=[role.pk])
    big_job = Job.objects.get(organization=first_org, job_key="job-000000")
    return {
        "org": first_org.pk,
        "team": team.pk,
        "job": big_job.pk,
        "owner_token": login_create(user=first_member.user)[1],
        "viewer_token": login_create(user=viewer)[1],
    }


def _deepest(runs) -> tuple[str, str]:
    """The marker a client holds after walking to the last page of 100 of `runs` (newest first), and the same
    position as the bare view's `after`."""
    from apps.core.api.pagination import _encode_marker

    created, pk = runs.order_by("created_at", "id").values_list("created_at", "id")[100]
    return _encode_marker([created, pk]), f"{created.isoformat()},{pk}".replace("+", "%2B")


def in_process(path: str, headers: dict[str, str], runs: int = 20) -> tuple[float, float]:
    """Median wall-clock and CPU milliseconds of one request through the Django test client (no server, no wrk)."""
    import statistics
    import time

    from django.test import Client

    client = Client(**{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
    client.get(path)
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.thread_time()
        response = client.get(path)
        assert response.status_code == 200, (path, response.content[:300])
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.thread_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


FILTERS = [
    "status=failed",
    "status=running,pending",
    "trigger=manual",
    "createdAfter=2026-06-01T00:00:00Z&createdBefore=2026-06-08T00:00:00Z",
    "jobVersion=2",
    "status=succeeded&trigger=backfill",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--big", type=int, default=400_000)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-wrk", action="store_true", help="in-process timings only")
    args = parser.parse_args()
    harness.setup_django(DATABASE_URL)
    from apps.workloads.models import JobRun, JobTeam

    world = seed(args.runs, args.jobs, args.big)
    owner = {"Authorization": f"Bearer {world['owner_token']}", "LakeSail-Organization-Id": world["org"]}
    viewer = {"Authorization": f"Bearer {world['viewer_token']}", "LakeSail-Organization-Id": world["org"]}
    team_jobs = JobTeam.objects.filter(team_id=world["team"]).values("job_id")
    job_marker, job_after = _deepest(JobRun.objects.filter(job_id=world["job"]))
    org_marker, org_after = _deepest(JobRun.objects.filter(organization_id=world["org"]))
    team_marker, _after = _deepest(JobRun.objects.filter(job_id__in=team_jobs))
    runs_of = f"/api/v1/workloads/jobs/{world['job']}/runs?limit=100"
    bare_job = f"/bench/bare-runs/job?job={world['job']}&limit=100"
    bare_org = f"/bench/bare-runs/org?org={world['org']}&limit=100"
    team_runs = JobRun.objects.filter(job_id__in=team_jobs).order_by("-created_at", "-id")
    bare_team = f"/bench/bare-runs/ids?ids={','.join(team_runs.values_list('pk', flat=True)[:100])}"
    last_team = list(team_runs.reverse().values_list("pk", flat=True)[:100])
    bare_team_last = f"/bench/bare-runs/ids?ids={','.join(last_team)}"
    pages = [
        ("GET /workloads/jobs/{job}/runs (first)", runs_of, owner, bare_job),
        (
            "GET /workloads/jobs/{job}/runs (deepest)",
            f"{runs_of}&marker={job_marker}",
            owner,
            f"{bare_job}&after={job_after}",
        ),
        ("GET /me/jobs/runs owner (first)", "/api/v1/me/jobs/runs?limit=100", owner, bare_org),
        (
            "GET /me/jobs/runs owner (deepest)",
            f"/api/v1/me/jobs/runs?limit=100&marker={org_marker}",
            owner,
            f"{bare_org}&after={org_after}",
        ),
        ("GET /me/jobs/runs team-only (first)", "/api/v1/me/jobs/runs?limit=100", viewer, bare_team),
        (
            "GET /me/jobs/runs team-only (deepest)",
            f"/api/v1/me/jobs/runs?limit=100&marker={team_marker}",
            viewer,
            bare_team_last,
        ),
    ]
    counts = {
        "job": JobRun.objects.filter(job_id=world["job"]).count(),
        "org": JobRun.objects.filter(organization_id=world["org"]).count(),
        "team": JobRun.objects.filter(job_id__in=team_jobs).count(),
    }
    print(
        f"{JobRun.objects.count()} runs; the job {counts['job']}, the organization {counts['org']}, team 19's jobs"
        f" {counts['team']}"
    )
    if not args.no_wrk:
        print(f"gunicorn 2 sync workers; wrk 4 connections, {args.seconds} s; median of {args.rounds} rounds")
        print(harness.HEADER)
        with harness.gunicorn() as base:
            queries = [harness.queries_per_request(path, headers) for _label, path, headers, _bare in pages]
            measured = [(base + path, headers, [base + bare_path]) for _label, path, headers, bare_path in pages]
            medians = harness.paired_rounds(measured, rounds=args.rounds, seconds=args.seconds)
            for (label, *_rest), (load, bare), count in zip(pages, medians, queries, strict=True):
                print(harness.report_row(label, load, bare, count), flush=True)
            for first in (0, 2, 4):
                deep = medians[first + 1][0].requests_per_second / medians[first][0].requests_per_second
                print(f"deepest / first: {pages[first][0].removesuffix(' (first)')} {deep:.0%}")
    print("in-process, median of 20 (Django test client): wall ms / CPU ms; the bare view's wall ms")
    for label, path, headers, bare_path in pages:
        wall, cpu = in_process(path, headers)
        bare_wall, _cpu = in_process(bare_path, {})
        print(f"{label:<44} {wall:>8.1f} {cpu:>8.1f} {bare_wall:>8.1f}", flush=True)
    print("filtered, first page, in-process: wall ms / CPU ms / queries")
    for label, path, headers in [
        ("job", runs_of, owner),
        ("owner", "/api/v1/me/jobs/runs?limit=100", owner),
        ("team-only", "/api/v1/me/jobs/runs?limit=100", viewer),
    ]:
        for query in FILTERS:
            wall, cpu = in_process(f"{path}&{query}", headers, runs=5)
            queries = harness.queries_per_request(f"{path}&{query}", headers)
            print(f"{label + ' ' + query:<80} {wall:>8.1f} {cpu:>8.1f} {queries:>4}", flush=True)


if __name__ == "__main__":
    main()
