"""The scheduler's tick with many jobs, few of them due: its time must follow the due jobs, not all jobs.

    .venv/bin/python bench/runs_scheduler.py [--jobs 10000] [--due 100] [--extra 100000] [--ticks 10]

Seeds (once) `--jobs` active, scheduled jobs in PostgreSQL (`BENCH_DATABASE_URL`, default
`postgres://postgres@127.0.0.1:5432/lakesail_bench_scheduler`), every one with a cron of every minute; `--due` of
them are due at each measured minute, the others not before tomorrow. Each measured minute moves the injected clock
on by one minute, makes the due jobs due at that slot and runs one tick (`apps.workloads.scheduler.tick`, what the
beat task calls): it must create exactly `--due` runs. Prints the tick's wall time (p50, p95, max) and queries, then
seeds `--extra` more jobs that are not due and measures again: the tick time must not grow with them.

A slot's run exists at most RUNS_SCHEDULER_TICK_SECONDS (beat's period, 1 s) + one tick after the slot.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import harness

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lakesail_bench_scheduler")
T0 = dt.datetime(2026, 6, 1, 0, 0, tzinfo=dt.UTC)
BATCH = 5000


def seed(total: int, prefix: str):
    """`total` scheduled jobs with keys `<prefix>-N` in the bench organization (idempotent); their ids."""
    from django.db import transaction

    from apps.core.principal import Principal
    from apps.identity.services.accounts import organization_bootstrap
    from apps.org.models import Member, Team
    from apps.org.services.teams import team_create
    from apps.workloads.models import Job, JobTeam, JobVersion
    from bench.workloads_lists import _cluster

    org, _ = organization_bootstrap(name="Bench Scheduler", email="owner@scheduler.bench.test", password="bench-pw-1")
    member = Member.objects.get(organization=org, email="owner@scheduler.bench.test")
    owner = Principal(user=member.user, org=org, member=member)
    team = Team.objects.filter(organization=org).first() or team_create(principal=owner, name="Scheduled")
    with transaction.atomic():
        cluster = _cluster(owner)
    have = Job.objects.filter(organization=org, job_key__startswith=f"{prefix}-").count()
    later = T0 + dt.timedelta(days=365)
    for start in range(have, total, BATCH):
        with transaction.atomic():
            batch = [
                Job(organization=org, member=member, job_key=f"{prefix}-{i:06d}", next_run_at=later)
                for i in range(start, min(start + BATCH, total))
            ]
            versions = [
                JobVersion(
                    job=job,
                    number=1,
                    status="published",
                    published_at=T0,
                    cluster=cluster,
                    member=member,
                    config={"sql": {"source": "SELECT 1"}},
                    cron_expression="* * * * *",
                    concurrency_policy="queue",
                    max_concurrent_runs=1000,
                )
                for job in batch
            ]
            for job, version in zip(batch, versions, strict=True):
                job.current_version_id, job.latest_version = version.pk, 1
            Job.objects.bulk_create(batch)
            JobVersion.objects.bulk_create(versions)
            JobTeam.objects.bulk_create(JobTeam(job=job, team=team) for job in batch)
    return list(Job.objects.filter(organization=org, job_key__startswith=f"{prefix}-").values_list("pk", flat=True))


class Counter:
    """A database execute wrapper that counts statements."""

    def __init__(self) -> None:
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        return execute(sql, params, many, context)


def measure(due_ids: list[str], ticks: int, start: dt.datetime) -> tuple[list[float], int, dt.datetime]:
    from django.db import connection

    from apps.core import clock
    from apps.workloads.models import Job
    from apps.workloads.scheduler import tick

    times, queries = [], 0
    with clock.frozen(start) as c:
        for _ in range(ticks):
            c.advance(minutes=1)
            slot = c.now().replace(second=0, microsecond=0)
            Job.objects.filter(pk__in=due_ids).update(next_run_at=slot)
            counted = Counter()
            with connection.execute_wrapper(counted):
                began = time.perf_counter()
                result = tick()
                times.append((time.perf_counter() - began) * 1000)
            queries = counted.queries
            if len(result.created) != len(due_ids):
                raise SystemExit(f"expected {len(due_ids)} runs, the tick created {len(result.created)}")
        return times, queries, c.now()


def report(label: str, times: list[float], queries: int, due: int) -> str:
    p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
    return (
        f"{label:<34} tick p50 {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms  max {max(times):7.1f} ms"
        f"  queries {queries} ({queries / due:.1f} per due job)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=100)
    parser.add_argument("--extra", type=int, default=100_000)
    parser.add_argument("--ticks", type=int, default=10)
    args = parser.parse_args()
    os.environ["CELERY_BROKER_URL"] = "memory://"  # the dispatcher wake-ups go nowhere: only the tick is measured
    harness.setup_django(DATABASE_URL)
    from django.db import connection

    from apps.workloads.models import JobRun

    JobRun.objects.all().delete()
    ids = seed(args.jobs, "active")
    due = ids[: args.due]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE workloads_job, workloads_jobrun")
    times, queries, at = measure(due, args.ticks, T0)
    print(report(f"{args.jobs:,} jobs, {args.due} due", times, queries, args.due))
    seed(args.extra, "idle")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE workloads_job, workloads_jobrun")
    times, queries, _ = measure(due, args.ticks, at)
    print(report(f"{args.jobs + args.extra:,} jobs, {args.due} due", times, queries, args.due))


if __name__ == "__main__":
    main()
