"""The session proxy's overhead: the same calls with pyspark directly on a session's Sail server, then through the
proxy (its own process, as `make run` runs it), on one session.

    .venv/bin/python bench/session_proxy.py [--runs 20]

Everything is real and throwaway: a temporary SQLite database (migrated), an organization with a running local
cluster, a compute config, a session whose server is started through the supervisor (the start task's body), a
token, and `manage.py session_proxy` on a free port. Measured, each after 2 warm-up runs: one unary call
(`spark.conf.get`: a single Config RPC), a query (`SELECT 1`, collected), and 1M rows (`toArrow()`).
"direct" is pyspark as it is (Sail then gzips the results); "direct, no gzip" is pyspark with gzip turned off, as the
proxy's upstream leg has it.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="lakesail-bench-proxy-"))
os.environ.update(
    DATABASE_URL=f"sqlite:///{WORK / 'bench.sqlite3'}",
    LAKESAIL_DATA_DIR=str(WORK / "data"),
    DJANGO_SETTINGS_MODULE="lakesail_console.settings",
    CELERY_BROKER_URL="memory://",  # the tasks a session enqueues stay in this process (the bench runs them itself)
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from pyspark.sql.connect.client import DefaultChannelBuilder  # noqa: E402
from pyspark.sql.connect.session import SparkSession  # noqa: E402

from apps.infra.models import Cluster  # noqa: E402
from apps.infra.providers.local.health import is_serving  # noqa: E402
from apps.infra.providers.local.process import free_port  # noqa: E402
from apps.infra.services.clusters import cluster_create  # noqa: E402
from apps.infra.services.connections import connection_create  # noqa: E402
from apps.infra.services.networks import network_create  # noqa: E402
from apps.workloads.models import ComputeInstance  # noqa: E402
from apps.workloads.services.compute_configs import compute_config_create  # noqa: E402
from apps.workloads.services.compute_instances import instance_release, instance_start  # noqa: E402
from apps.workloads.services.session_states import end_session  # noqa: E402
from apps.workloads.services.sessions import session_create, session_token_issue  # noqa: E402

WARM_UP = 2
ROWS = 1_000_000
NO_GZIP = [("grpc.compression_enabled_algorithms_bitset", 1)]


def _active(record):
    """As verifying or provisioning leaves a local record (those operations are the infra benchmarks' business)."""
    type(record).objects.filter(pk=record.pk).update(status="active")
    record.refresh_from_db()
    return record


def _session():
    """An owner of a new organization, with a session on a running local cluster whose server is up."""
    from apps.core.principal import Principal
    from apps.identity.services.users import user_create
    from apps.org.models import Member
    from apps.org.services.organizations import member_add, organization_create
    from apps.org.services.teams import team_create

    org = organization_create(name="Bench")
    user = user_create(email="bench@example.test", password="correct-horse-battery-staple")
    member_add(org=org, user=user, role_keys=["owner"])
    owner = Principal(user=user, org=org, member=Member.objects.get(user=user, organization=org))
    team = team_create(principal=owner, name="Bench")
    connection = _active(connection_create(principal=owner, name="This machine", provider="local"))
    network = _active(network_create(principal=owner, connection=connection, name="Loopback", region="local"))
    provisioned = _active(cluster_create(principal=owner, connection=connection, network_id=network.pk, name="Bench"))
    cluster = Cluster.objects.create(
        organization=org, provisioned_cluster=provisioned, connection=connection, network=network, name="Bench"
    )
    config = compute_config_create(
        principal=owner, name="Bench", workload_type="spark_connect", cluster_id=cluster.pk, team_id=team.pk
    )
    session = session_create(principal=owner, endpoint_type="spark_connect", workload_config_id=config.pk)
    instance_start(instance_id=session.compute_instance_id)
    token, _expires = session_token_issue(principal=owner, session_id=session.pk)
    return session, ComputeInstance.objects.get(pk=session.compute_instance_id), token


def _proxy(port: int) -> subprocess.Popen:
    log = (WORK / "proxy.log").open("w")
    command = [sys.executable, "manage.py", "session_proxy", "--host", "localhost", "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while not is_serving("127.0.0.1", port) and "listening" not in (WORK / "proxy.log").read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError((WORK / "proxy.log").read_text())
        time.sleep(0.2)
    return process


def measure(sessions: dict[str, SparkSession], runs: int) -> dict[str, dict[str, list[float]]]:
    """Each case, run by each client in turn (round robin): a load spike from elsewhere hits all of them alike."""
    cases: dict[str, Callable[[SparkSession], object]] = {
        "one call (conf.get)": lambda spark: spark.conf.get("spark.sql.session.timeZone"),
        "query (SELECT 1)": lambda spark: spark.sql("SELECT 1").collect(),
        f"{ROWS:,} rows (toArrow)": lambda spark: spark.sql(f"SELECT id, id * 2 AS twice FROM range({ROWS})").toArrow(),
    }
    results: dict[str, dict[str, list[float]]] = {label: {} for label in sessions}
    for name, case in cases.items():
        for index in range(WARM_UP + runs):
            for label, spark in sessions.items():
                began = time.perf_counter()
                case(spark)
                if index >= WARM_UP:
                    results[label].setdefault(name, []).append(time.perf_counter() - began)
    return results


def _ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    call_command("migrate", verbosity=0)
    session, instance, token = _session()
    port = free_port("127.0.0.1")
    proxy = _proxy(port)
    clients = {
        "direct": f"sc://127.0.0.1:{instance.port}",
        "direct, no gzip": f"sc://127.0.0.1:{instance.port}",
        "proxied": f"sc://localhost:{port}/;token={token}",
    }
    try:
        sessions = {
            label: SparkSession.builder.channelBuilder(
                DefaultChannelBuilder(url, channelOptions=NO_GZIP if label == "direct, no gzip" else None)
            ).create()
            for label, url in clients.items()
        }
        results = measure(sessions, runs)
        for spark in sessions.values():
            spark.stop()
    finally:
        proxy.terminate()
        proxy.wait(15)
        end_session(session, reason="closed_by_user")
        instance_release(instance_id=instance.pk)
        shutil.rmtree(WORK, ignore_errors=True)
    print(f"{runs} runs each after {WARM_UP} warm-up runs, one session server (mode local), {os.cpu_count()} CPUs")
    print(f"{'median (p95), ms':26}" + "".join(f"{label:>20}" for label in clients) + "   proxied vs direct / no gzip")
    for name in results["direct"]:
        medians = {label: statistics.median(results[label][name]) * 1000 for label in clients}
        cells = "".join(f"{medians[label]:>11.1f} ({_ms(results[label][name], 0.95):>5.1f})" for label in clients)
        versus = [medians["proxied"] - medians[base] for base in ("direct", "direct, no gzip")]
        ratios = [medians["proxied"] / medians[base] for base in ("direct", "direct, no gzip")]
        print(f"{name:26}{cells}   {versus[0]:+.1f} ms {ratios[0]:.2f}x / {versus[1]:+.1f} ms {ratios[1]:.2f}x")


if __name__ == "__main__":
    main()
