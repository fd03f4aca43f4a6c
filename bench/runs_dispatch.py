"""Dispatch latency: how long a ready run waits until it is running on a warm cluster server, through a real worker.

    .venv/bin/python bench/runs_dispatch.py [--runs 50] [--broker redis://127.0.0.1:6379/9]

PostgreSQL (`BENCH_DATABASE_URL`, default the `lakesail_bench_dispatch` database, created and migrated when missing),
a Celery worker process (solo pool, a queue of its own, the broker given: Redis as deployed), and one Sail server
started below the supervisor as the cluster's long-running server. Each run is created ready by `run_create`, as
`POST …/runs` does, and waited for before the next one (so the figure is latency, not queueing). From the run's
timeline: ready → starting (the woken dispatcher claimed it), starting → running (the worker took the execute task
and the runner opened the run's Spark Connect session), and ready → running.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA_DIR = Path(tempfile.mkdtemp(prefix="lakesail-bench-dispatch-"))
os.environ["LAKESAIL_DATA_DIR"] = str(DATA_DIR)
QUEUE = f"bench-dispatch-{uuid.uuid4().hex[:8]}"
os.environ["CELERY_QUEUE"] = QUEUE
WARM_UP = 3


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--query", default="SELECT 1 AS one")
    return parser.parse_args()


ARGS = parse()
os.environ["CELERY_BROKER_URL"] = ARGS.broker

from bench import harness  # noqa: E402

harness.setup_django(os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lakesail_bench_dispatch"))

from django.db import connection  # noqa: E402

from apps.infra.models import Cluster, ProvisionedCluster  # noqa: E402
from apps.infra.providers.local.health import wait_until_serving  # noqa: E402
from apps.infra.providers.local.layout import prepare_sail_work_dir  # noqa: E402
from apps.infra.providers.local.process import free_port, spawn_sail, stop_process  # noqa: E402
from apps.workloads.models import TERMINAL_RUN_STATUSES, JobRun, JobRunStatus  # noqa: E402
from apps.workloads.services.runs import run_create  # noqa: E402


def world():
    """An organization (new each time: the database is kept between runs), its owner, a team and a cluster."""
    from apps.core.principal import Principal
    from apps.identity.services.users import user_create
    from apps.infra.services.cluster_teams import cluster_teams_add
    from apps.infra.services.clusters import cluster_create
    from apps.infra.services.connections import connection_create
    from apps.infra.services.networks import network_create
    from apps.org.models import Member
    from apps.org.services.organizations import member_add, organization_create
    from apps.org.services.teams import team_create

    tag = uuid.uuid4().hex[:8]
    org = organization_create(name=f"Dispatch bench {tag}")
    user = user_create(email=f"bench-{tag}@bench.test", password="correct-horse-battery-staple")
    member_add(org=org, user=user, role_keys=["owner"])
    owner = Principal(user=user, org=org, member=Member.objects.get(organization=org, user=user))
    team = team_create(principal=owner, name="Bench")
    connection_ = connection_create(principal=owner, name="Bench machine", provider="local")
    type(connection_).objects.filter(pk=connection_.pk).update(status="active")
    connection_.refresh_from_db()
    network = network_create(principal=owner, connection=connection_, name="Bench", region="local")
    type(network).objects.filter(pk=network.pk).update(status="active")
    network.refresh_from_db()
    provisioned = cluster_create(principal=owner, connection=connection_, network_id=network.pk, name="Bench")
    ProvisionedCluster.objects.filter(pk=provisioned.pk).update(status="active")
    cluster_teams_add(principal=owner, cluster=provisioned, team_ids=[team.pk])
    cluster = Cluster.objects.create(
        organization=org,
        provisioned_cluster=provisioned,
        connection=connection_,
        network=network,
        name=provisioned.name,
        region=provisioned.region,
    )
    return owner, team, cluster, provisioned


def start_sail() -> tuple[object, int]:
    port = free_port("127.0.0.1")
    work_dir = DATA_DIR / "cluster"
    prepare_sail_work_dir(work_dir)
    ref = spawn_sail(
        process_id=f"bench{uuid.uuid4().hex[:8]}",
        namespace="bench",
        sail_env={"SAIL_MODE": '"local"'},
        host="127.0.0.1",
        port=port,
        work_dir=work_dir,
        log_path=work_dir / "sail.log",
    )
    wait_until_serving(ref=ref, host="127.0.0.1", port=port, timeout=60)
    return ref, port


def start_worker() -> subprocess.Popen:
    log = DATA_DIR / "worker.log"
    command = [sys.executable, "-m", "celery", "-A", "lakesail_console", "worker", "--pool=solo", "-Q", QUEUE]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while "ready." not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the worker did not start:\n{log.read_text()}")
        time.sleep(0.2)
    return process


def one_run(owner, job) -> dict[str, float]:
    run = run_create(principal=owner, job=job)
    deadline = time.monotonic() + 60
    while JobRun.objects.filter(pk=run.pk).values_list("status", flat=True).first() not in TERMINAL_RUN_STATUSES:
        if time.monotonic() > deadline:
            raise SystemExit(f"run {run.pk} did not end: {JobRun.objects.get(pk=run.pk).status}")
        time.sleep(0.01)
    run.refresh_from_db()
    if run.status != JobRunStatus.SUCCEEDED:
        raise SystemExit(f"run {run.pk} ended {run.status}: {run.status_message}")
    at = dict(run.status_changes.values_list("status", "at"))
    return {
        "ready → starting": (at[JobRunStatus.STARTING] - at[JobRunStatus.READY]).total_seconds(),
        "starting → running": (at[JobRunStatus.RUNNING] - at[JobRunStatus.STARTING]).total_seconds(),
        "ready → running": (at[JobRunStatus.RUNNING] - at[JobRunStatus.READY]).total_seconds(),
    }


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def main() -> None:
    from apps.workloads.services.jobs import job_create

    owner, team, cluster, provisioned = world()
    sail, port = start_sail()
    ProvisionedCluster.objects.filter(pk=provisioned.pk).update(
        iac_outputs={"sparkConnectUrl": f"sc://127.0.0.1:{port}"}
    )
    job = job_create(
        principal=owner,
        job_key=f"bench-{uuid.uuid4().hex[:6]}",
        team_ids=[team.pk],
        fields={"clusterId": cluster.pk, "config": {"sql": {"source": ARGS.query}}},
    )
    worker = start_worker()
    try:
        samples = [one_run(owner, job) for _ in range(WARM_UP + ARGS.runs)][WARM_UP:]
    finally:
        worker.terminate()
        worker.wait(30)
        stop_process(sail, grace_seconds=5)
        connection.close()
    cores = os.cpu_count()
    print(f"{ARGS.runs} runs after {WARM_UP} warm-up runs, one at a time; {ARGS.query!r} on a warm cluster server")
    print(f"PostgreSQL, broker {ARGS.broker.split('@')[-1]}, one worker (solo pool), {cores} CPUs")
    print(f"{'':24}{'p50':>10}{'p95':>10}{'max':>10}")
    for name in samples[0]:
        values = [sample[name] * 1000 for sample in samples]
        print(f"{name:24}{statistics.median(values):8.1f}ms{p95(values):8.1f}ms{max(values):8.1f}ms")


if __name__ == "__main__":
    main()
