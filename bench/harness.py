"""What every list benchmark shares: a PostgreSQL database, a gunicorn server, wrk, and a query counter.

A benchmark seeds its rows, then for each endpoint measures the endpoint and its bare view (`bench/bare.py`)
in the same run, against the same server, so the ratio between them is what the API's own work costs.
"""

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/lakesail_bench"


def setup_django(database_url: str) -> None:
    """Point Django at the benchmark database (created and migrated when missing)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    # As deployed (README): rate-limit counters and idempotency records in Redis.
    os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/7")
    sys.path.insert(0, str(ROOT))
    server, name = database_url.rsplit("/", 1)
    exists = subprocess.run(
        ["psql", f"{server}/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if exists != "1":
        subprocess.run(["psql", f"{server}/postgres", "-qc", f'CREATE DATABASE "{name}"'], check=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(workers: int = 2) -> Iterator[str]:
    """The console under gunicorn (sync workers, as the README deploys it; one per CPU here) on a free loopback port."""
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "lakesail_console.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urlopen(f"{base}/healthz", timeout=10)
                break
            except (URLError, OSError):
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


@dataclass(frozen=True)
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


def _median(loads: list[Load]) -> Load:
    return Load(
        statistics.median(load.requests_per_second for load in loads),
        statistics.median(load.p50_ms for load in loads),
        statistics.median(load.p99_ms for load in loads),
        sum(load.errors for load in loads),
    )


def paired_rounds(
    urls: Sequence[tuple[str, Mapping[str, str], Sequence[str]]], *, rounds: int, seconds: int
) -> list[list[Load]]:
    """For each (url, headers, bare urls): the medians over `rounds` rounds of the url's load and each bare view's,
    each url measured right before its bare views, every row once per round, so that the machine's changing load
    reaches every row alike. Every url is first served for a second, not measured: each worker compiles its queries
    and loads its templates on its first requests, the bare views' no less than the endpoints'."""
    rows = [[(url, headers), *((bare, {}) for bare in bares)] for url, headers, bares in urls]
    for row in rows:
        for target, sent in row:
            wrk(target, sent, seconds=1)
    loads: list[list[list[Load]]] = [[[] for _ in row] for row in rows]
    for _round in range(rounds):
        for row, measured in zip(rows, loads, strict=True):
            for (target, sent), each in zip(row, measured, strict=True):
                load = wrk(target, sent, seconds=seconds)
                each.append(load)
                if load.errors:
                    print(f"  non-2xx: {load.errors} on {target}", flush=True)
    return [[_median(each) for each in measured] for measured in loads]


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"wrk printed a latency it does not document: {text!r}")
    number, unit = match.groups()
    return float(number) * _UNITS[unit]


def wrk(url: str, headers: dict[str, str], *, seconds: int = 8, connections: int = 4) -> Load:
    """Requests/s and latency percentiles of `url` under a closed loop of `connections` clients."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk (make bench installs it)")
    command = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout
    if "Requests/sec" not in out:
        raise RuntimeError(f"wrk failed on {url}:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    # The latency distribution lines (`     50%    4.21ms`), not the `+/- Stdev` column that also ends in `%`.
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)\s*$", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)\s*$", out, re.M).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return Load(rps, p50, p99, int(errors.group(1)) if errors else 0)


def queries_per_request(path: str, headers: dict[str, str]) -> int:
    """Database queries one request makes, counted in-process through the same URLconf."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(**{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
    client.get(path)  # warm caches (grants, sessions) as a running server has them
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path}: {response.status_code} {response.content[:300]!r}")
    return len(captured)


def report_row(name: str, load: Load, bare: Load, queries: int) -> str:
    ratio = load.requests_per_second / bare.requests_per_second * 100 if bare.requests_per_second else 0.0
    return (
        f"{name:<44} {load.requests_per_second:>8.1f} {load.p50_ms:>8.1f} {load.p99_ms:>8.1f}"
        f" {bare.requests_per_second:>9.1f} {ratio:>6.0f}% {queries:>4}"
    )


HEADER = f"{'endpoint':<44} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'bare r/s':>9} {'ratio':>7} {'q':>4}"
