"""The job runner's overhead: one query run directly with pyspark, then through the runner, on the same Sail server.

    .venv/bin/python bench/sail_runner.py [--runs 20] [--query "SELECT ..."] [--starts 5]

The server is started below the supervisor (no database needed); runs write to a temporary data directory.
"""

import argparse
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA_DIR = Path(tempfile.mkdtemp(prefix="lakesail-bench-"))
os.environ["LAKESAIL_DATA_DIR"] = str(DATA_DIR)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lakesail_console.settings")

import django  # noqa: E402

django.setup()

from apps.infra.providers.local.health import wait_until_serving  # noqa: E402
from apps.infra.providers.local.host import ProcessRef  # noqa: E402
from apps.infra.providers.local.layout import prepare_sail_work_dir  # noqa: E402
from apps.infra.providers.local.process import free_port, spawn_sail, stop_process  # noqa: E402
from apps.infra.providers.local.sessions import connect  # noqa: E402
from apps.workloads.runner import MemoryRunReporter, RunStatus, SailTarget, execute_run  # noqa: E402

QUERY = "SELECT sum(id) AS total FROM range(1000000)"
WARM_UP = 2


def start_server() -> tuple[ProcessRef, int, float]:
    port = free_port("127.0.0.1")
    work_dir = DATA_DIR / "sail" / uuid.uuid4().hex[:8]
    prepare_sail_work_dir(work_dir)
    began = time.perf_counter()
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
    return ref, port, time.perf_counter() - began


def direct(port: int, query: str, runs: int) -> list[float]:
    spark = connect(f"sc://127.0.0.1:{port}")
    times = []
    for index in range(WARM_UP + runs):
        began = time.perf_counter()
        spark.sql(query).toArrow()
        if index >= WARM_UP:
            times.append(time.perf_counter() - began)
    spark.stop()
    return times


def through_runner(port: int, query: str, runs: int) -> tuple[list[float], list[float]]:
    """Wall time per run, and the part spent opening the run's session (creating_runner to running)."""
    target = SailTarget(host="127.0.0.1", port=port)
    times, session_setup = [], []
    for index in range(WARM_UP + runs):
        reporter = MemoryRunReporter()
        began = time.perf_counter()
        result = execute_run(
            run_id=f"BENCH{index:04d}", config={"sql": {"source": query}}, reporter=reporter, target=target
        )
        elapsed = time.perf_counter() - began
        if result.status != RunStatus.SUCCEEDED:
            raise SystemExit(f"run failed: {result.status_message}")
        if index >= WARM_UP:
            times.append(elapsed)
            at = {status: moment for status, moment, _ in reporter.transitions}
            session_setup.append((at[RunStatus.RUNNING] - at[RunStatus.CREATING_RUNNER]).total_seconds())
    return times, session_setup


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def row(label: str, values: list[float]) -> str:
    return f"{label:34} {statistics.median(values) * 1000:9.1f} ms {p95(values) * 1000:9.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--query", default=QUERY)
    parser.add_argument("--starts", type=int, default=0, help="also time this many Sail server starts")
    args = parser.parse_args()

    ref, port, _ = start_server()
    try:
        direct_times = direct(port, args.query, args.runs)
        runner_times, session_setup = through_runner(port, args.query, args.runs)
    finally:
        stop_process(ref, grace_seconds=5)

    print(f"query: {args.query}")
    print(f"{args.runs} runs each after {WARM_UP} warm-up runs, one Sail server (mode local), {os.cpu_count()} CPUs")
    print(f"{'':34} {'median':>12} {'p95':>12}")
    print(row("(a) direct (pyspark, warm session)", direct_times))
    print(row("(b) through the runner", runner_times))
    overhead_median = statistics.median(runner_times) - statistics.median(direct_times)
    overhead_p95 = p95(runner_times) - p95(direct_times)
    print(f"{'runner overhead (b - a)':34} {overhead_median * 1000:9.1f} ms {overhead_p95 * 1000:9.1f} ms")
    print(row("  of which: opening the run session", session_setup))

    if args.starts:
        starts = []
        for _ in range(args.starts):
            started, _, seconds = start_server()
            starts.append(seconds)
            stop_process(started, grace_seconds=5)
        print(row(f"Sail server start to SERVING (x{args.starts})", starts))
    shutil.rmtree(DATA_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
