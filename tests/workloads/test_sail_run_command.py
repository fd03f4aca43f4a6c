import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.workloads.runner import RunPaths, read_events

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def _run(*args: str) -> str:
    out = StringIO()
    call_command("sail_run", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_status_sequence_the_preview_and_the_timings(sail_server, run_id):
    server = f"127.0.0.1:{sail_server.port}"
    out = _run("--sql", "SELECT 1 AS one, 'a' AS letter", "--server", server, "--run-id", run_id)

    steps = re.findall(r"^ *\d+\.\d{3}s  (\w+)$", out, re.MULTILINE)
    assert steps == ["starting", "creating_runner", "running", "succeeded"]
    assert "| one | letter |" in out and "| 1   | a      |" in out and "1 row(s)" in out
    for label in ("runnerStartedAt", "runnerCompletedAt", "runnerExecutionTimeUs", "outputPath"):
        assert label in out
    assert [event["status"] for event in read_events(RunPaths.for_run(run_id).root)][-1] == "succeeded"


def test_it_runs_a_python_file_with_its_parameters(sail_server, run_id, tmp_path):
    job = tmp_path / "job.py"
    job.write_text(
        "import os, sys\nfrom pyspark.sql import SparkSession\n"
        "n = SparkSession.builder.getOrCreate().range(int(sys.argv[1])).count()\n"
        "print(os.environ['GREETING'], n)\n"
    )

    out = _run(
        "--python", str(job), "--param", "7", "--named", "GREETING=hello",
        "--server", f"127.0.0.1:{sail_server.port}", "--run-id", run_id,
    )  # fmt: skip

    assert "succeeded" in out
    assert RunPaths.for_run(run_id).stdout_log.read_text() == "hello 7\n"


def test_a_failed_run_ends_the_command_with_the_engines_message(sail_server, run_id):
    with pytest.raises(CommandError, match=r"ended failed: .*missing_table"):
        _run("--sql", "SELECT * FROM missing_table", "--server", f"127.0.0.1:{sail_server.port}", "--run-id", run_id)


def test_it_refuses_malformed_arguments():
    with pytest.raises(CommandError, match="HOST:PORT"):
        _run("--sql", "SELECT 1", "--server", "no-port")
    with pytest.raises(CommandError, match="NAME=VALUE"):
        _run("--python", __file__, "--named", "oops")
