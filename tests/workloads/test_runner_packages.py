"""Python package jobs against the session's Sail server: a wheel built here, installed by pip with no index (never
the internet) into a cached environment whose Spark Connect client is the runner's own."""

import base64
import fcntl
import hashlib
import http.server
import threading
import time
import zipfile
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from apps.workloads.runner import MemoryRunReporter, RunPaths, RunStatus, execute_run
from apps.workloads.runner.packages import environment_key, environments_dir

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

TINYJOB = """\
import os, sys


def main():
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.getOrCreate()
    rows = int(os.environ["ROWS"])
    spark.range(rows).write.parquet(os.path.join(os.environ["LAKESAIL_OUTPUT_PATH"], "tiny"))
    total = spark.range(rows).selectExpr("sum(id) AS total").toArrow().to_pylist()[0]["total"]
    print("tinyjob", total, "argv", *sys.argv, "cwd", os.path.basename(os.getcwd()))


def hello():
    print("hello from tinyjob", *sys.argv[1:])


def fail():
    print("tinyjob gives up", file=sys.stderr)
    return 3
"""


def _wheel(directory: Path) -> Path:
    """tinyjob 1.0 as a wheel, written by hand (no build backend, no index): it requires the Spark Connect client."""
    files = {
        "tinyjob/__init__.py": TINYJOB.encode(),
        "tinyjob-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: tinyjob\nVersion: 1.0\n"
        b"Requires-Dist: pyspark-client\nRequires-Dist: pyarrow\n",
        "tinyjob-1.0.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\n"
        b"Tag: py3-none-any\n",
        "tinyjob-1.0.dist-info/entry_points.txt": b"[console_scripts]\ntinyjob-run = tinyjob:main\n",
    }
    path = directory / "tinyjob-1.0-py3-none-any.whl"
    record = []
    with zipfile.ZipFile(path, "w") as wheel:
        for name, data in files.items():
            wheel.writestr(name, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append(f"{name},sha256={digest},{len(data)}")
        wheel.writestr("tinyjob-1.0.dist-info/RECORD", "\n".join([*record, "tinyjob-1.0.dist-info/RECORD,,"]) + "\n")
    return path


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return _wheel(tmp_path_factory.mktemp("wheels"))


@pytest.fixture(autouse=True)
def local_index(wheel, monkeypatch) -> None:
    """The deployment's pip settings pass to pip: here, no index and the wheel's directory."""
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheel.parent))


def _package(requirement: str, entry_point: str = "tinyjob:main", parameters=(), named=None) -> dict:
    python = {"packageName": requirement, "entryPoint": entry_point, "parameters": list(parameters)}
    return {"python": {**python, "namedParameters": named or {"ROWS": "100"}}}


def _runner_log(run_id: str) -> str:
    return RunPaths.for_run(run_id).runner_log.read_text()


def test_a_package_is_installed_once_then_every_run_reuses_its_environment(target):
    config = _package("tinyjob==1.0", parameters=["--day=2026-04-06"], named={"ROWS": "1000"})
    environment = environments_dir() / environment_key("tinyjob==1.0")
    assert not environment.exists()

    first = execute_run(run_id="pkgfirst", config=config, reporter=MemoryRunReporter(), target=target)
    second = execute_run(
        run_id="pkgsecond",
        config=config,
        reporter=MemoryRunReporter(),
        target=target,
        parameters=["--day=2026-04-07", "two words"],
        named_parameters={"ROWS": "10"},
    )

    assert (first.status, second.status) == (RunStatus.SUCCEEDED, RunStatus.SUCCEEDED), second.status_message
    assert RunPaths.for_run("pkgfirst").stdout_log.read_text() == (
        f"tinyjob {sum(range(1000))} argv tinyjob:main --day=2026-04-06 cwd tmp\n"
    )
    assert RunPaths.for_run("pkgsecond").stdout_log.read_text() == (
        f"tinyjob {sum(range(10))} argv tinyjob:main --day=2026-04-07 two words cwd tmp\n"
    )
    assert pq.read_table(Path(second.output_path) / "tiny").num_rows == 10
    assert "package: installed tinyjob==1.0" in _runner_log("pkgfirst")
    assert "Successfully installed tinyjob-1.0" in _runner_log("pkgfirst")  # pip's output, in the runner's log
    assert "from the cached environment" in _runner_log("pkgsecond") and "pip" not in _runner_log("pkgsecond")
    # Only the package itself went into the environment: pyspark and pyarrow are the runner's.
    installed = {path.name for path in environment.glob("lib/python*/site-packages/*")}
    assert installed == {"tinyjob", "tinyjob-1.0.dist-info", "_lakesail_runner.pth"}


def test_a_console_script_entry_point_and_a_failing_function(target, run_id):
    script = execute_run(
        run_id=run_id, config=_package("tinyjob==1.0", "tinyjob-run"), reporter=MemoryRunReporter(), target=target
    )
    assert script.status == RunStatus.SUCCEEDED, script.status_message
    assert RunPaths.for_run(run_id).stdout_log.read_text().startswith("tinyjob 4950 argv tinyjob-run cwd")

    failed = execute_run(
        run_id="pkgfail", config=_package("tinyjob==1.0", "tinyjob:fail"), reporter=MemoryRunReporter(), target=target
    )
    assert (failed.status, failed.status_message) == (
        RunStatus.FAILED,
        "The Python job exited with code 3: tinyjob gives up",
    )

    unknown = execute_run(
        run_id="pkgnoscript", config=_package("tinyjob==1.0", "nope"), reporter=MemoryRunReporter(), target=target
    )
    assert unknown.status == RunStatus.FAILED
    assert unknown.status_message.endswith("tinyjob has no console script 'nope' (it has: tinyjob-run)")


def test_a_package_pip_cannot_find_fails_the_run_and_caches_nothing(target, run_id):
    result = execute_run(run_id=run_id, config=_package("tinyjob==9.9"), reporter=MemoryRunReporter(), target=target)

    assert result.status == RunStatus.FAILED
    assert result.status_message == "pip could not install tinyjob==9.9 (exit code 1): see the runner log."
    assert "No matching distribution found for tinyjob==9.9" in _runner_log(run_id)
    environment = environments_dir() / environment_key("tinyjob==9.9")
    assert not environment.exists() and not environment.with_name(environment.name + ".ready").exists()


def test_two_runs_that_need_the_same_new_environment_build_it_once(target):
    config = _package("tinyjob===1.0", "tinyjob:hello")
    results = {}

    def run(run_id: str) -> None:
        results[run_id] = execute_run(run_id=run_id, config=config, reporter=MemoryRunReporter(), target=target)

    threads = [threading.Thread(target=run, args=(run_id,)) for run_id in ("pkgrace1", "pkgrace2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert [results[run_id].status for run_id in ("pkgrace1", "pkgrace2")] == [RunStatus.SUCCEEDED] * 2
    assert RunPaths.for_run("pkgrace2").stdout_log.read_text() == "hello from tinyjob\n"
    logs = [_runner_log(run_id) for run_id in ("pkgrace1", "pkgrace2")]
    assert sorted("package: installed" in log for log in logs) == [False, True]
    assert sorted("from the cached environment" in log for log in logs) == [False, True]


def test_a_run_waiting_for_another_runs_install_can_be_cancelled(target, run_id):
    environment = environments_dir() / environment_key("tinyjob<2")
    environment.parent.mkdir(parents=True, exist_ok=True)
    reporter = MemoryRunReporter()
    with environment.with_name(environment.name + ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process is installing the same package
        threading.Timer(0.5, reporter.cancel).start()
        began = time.monotonic()
        result = execute_run(run_id=run_id, config=_package("tinyjob<2"), reporter=reporter, target=target)

    assert (result.status, result.status_message) == (RunStatus.CANCELLED, "The run was cancelled.")
    assert time.monotonic() - began < 2
    assert RunStatus.RUNNING not in reporter.statuses and not environment.exists()


@pytest.fixture
def wheel_server(wheel) -> Iterator[str]:
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(wheel.parent))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/{wheel.name}"
    server.shutdown()
    server.server_close()


def test_a_package_url_is_downloaded_under_the_outbound_policy(target, wheel_server, settings):
    config = _package(f"tinyjob @ {wheel_server}", "tinyjob:hello", parameters=["x"])

    settings.OUTBOUND_HTTP_ALLOWED_NETWORKS = []
    refused = execute_run(run_id="pkgurlno", config=config, reporter=MemoryRunReporter(), target=target)
    settings.OUTBOUND_HTTP_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    allowed = execute_run(run_id="pkgurlyes", config=config, reporter=MemoryRunReporter(), target=target)

    assert refused.status == RunStatus.FAILED
    assert refused.status_message.startswith("The package could not be downloaded: 127.0.0.1 resolves to an address")
    assert allowed.status == RunStatus.SUCCEEDED, allowed.status_message
    assert RunPaths.for_run("pkgurlyes").stdout_log.read_text() == "hello from tinyjob x\n"
