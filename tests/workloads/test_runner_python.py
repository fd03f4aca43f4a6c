import json
import threading
import time
from pathlib import Path

import psutil
import pyarrow.parquet as pq
import pytest

from apps.workloads.runner import MemoryRunReporter, RunPaths, RunStatus, execute_run
from tests.workloads.conftest import LONG_QUERY

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

WRITE_AND_READ_BACK = """
import os, sys
from pyspark.sql import SparkSession

spark = SparkSession.builder.getOrCreate()
path = os.path.join(os.environ["LAKESAIL_OUTPUT_PATH"], "numbers")
rows = int(os.environ["ROWS"])
spark.range(rows).selectExpr("id", "id * 2 AS twice").write.parquet(path)
back = spark.read.parquet(path).selectExpr("count(*) AS n", "sum(twice) AS total").toArrow().to_pylist()[0]
print("read back", back["n"], back["total"], "argv", *sys.argv[1:])
"""


def _python(source: str, parameters=(), named=None) -> dict:
    return {"python": {"source": source, "parameters": list(parameters), "namedParameters": named or {}}}


def test_a_python_job_writes_parquet_and_reads_it_back(target, run_id):
    reporter = MemoryRunReporter()

    result = execute_run(
        run_id=run_id,
        config=_python(WRITE_AND_READ_BACK, parameters=["--day=2026-04-06", "two words"], named={"ROWS": "1000"}),
        reporter=reporter,
        target=target,
    )

    assert reporter.statuses == [RunStatus.STARTING, RunStatus.CREATING_RUNNER, RunStatus.RUNNING, RunStatus.SUCCEEDED]
    paths = RunPaths.for_run(run_id)
    stdout = paths.stdout_log.read_text()
    assert stdout == f"read back 1000 {sum(range(1000)) * 2} argv --day=2026-04-06 two words\n"
    assert result.output_path == str(paths.output)
    table = pq.read_table(paths.output / "numbers")
    assert table.num_rows == 1000 and sum(table.column("twice").to_pylist()) == sum(range(1000)) * 2
    assert not (paths.tmp / "job.py").exists()  # temporary files go with cleanup mode "always"


def test_a_failing_script_fails_the_run_with_its_error(target, run_id):
    source = "from pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\n"
    source += "spark.sql('SELECT nope FROM range(1)').count()\n"

    result = execute_run(run_id=run_id, config=_python(source), reporter=MemoryRunReporter(), target=target)

    assert result.status == RunStatus.FAILED
    assert result.status_message.startswith("The Python job exited with code 1: ")
    assert "nope" in result.status_message and "\n" not in result.status_message
    stderr = RunPaths.for_run(run_id).stderr_log.read_text()
    assert "Traceback (most recent call last)" in stderr and "nope" in stderr


def test_the_job_sees_its_parameters_but_not_the_consoles_environment(target, run_id, monkeypatch):
    monkeypatch.setenv("LAKESAIL_TEST_SECRET", "hunter2")
    source = "import json, os\nprint(json.dumps(dict(os.environ)))\n"

    result = execute_run(
        run_id=run_id,
        config=_python(source, named={"REGION": "eu", "SPARK_REMOTE": "sc://elsewhere:1"}),
        reporter=MemoryRunReporter(),
        target=target,
    )

    assert result.status == RunStatus.SUCCEEDED, result.status_message
    env = json.loads(RunPaths.for_run(run_id).stdout_log.read_text())
    assert env["REGION"] == "eu" and env["LAKESAIL_RUN_ID"] == run_id
    assert env["SPARK_REMOTE"].startswith(f"sc://127.0.0.1:{target.port}/;session_id=")
    assert not {"LAKESAIL_TEST_SECRET", "DATABASE_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"} & set(env)


def test_it_cancels_a_python_job_and_its_process(target, run_id):
    source = f"from pyspark.sql import SparkSession\nSparkSession.builder.getOrCreate().sql('{LONG_QUERY}').toArrow()\n"
    reporter = MemoryRunReporter()
    script = RunPaths.for_run(run_id).tmp / "job.py"
    cancelled_at: list[float] = []

    def cancel_once_running() -> None:
        while not _job_processes(script):
            time.sleep(0.05)
        time.sleep(1.5)  # the script is in its query by now
        cancelled_at.append(time.monotonic())
        reporter.cancel()

    threading.Thread(target=cancel_once_running, daemon=True).start()
    result = execute_run(run_id=run_id, config=_python(source), reporter=reporter, target=target, timeout_seconds=60)

    assert result.status == RunStatus.CANCELLED
    assert time.monotonic() - cancelled_at[0] < 5
    assert _job_processes(script) == []


def _job_processes(script: Path) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["cmdline"]):
        if str(script) in (process.info["cmdline"] or []):
            found.append(process)
    return found
