import json
import subprocess
import threading
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from apps.infra.providers.local.process import free_port
from apps.workloads.runner import (
    FileRunReporter,
    MemoryRunReporter,
    RunPaths,
    RunStatus,
    SailTarget,
    execute_run,
    read_events,
    read_preview,
)
from tests.workloads.conftest import LONG_QUERY

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

ON_A_CLUSTER = [RunStatus.STARTING, RunStatus.CREATING_RUNNER, RunStatus.RUNNING]


def _sql(source: str) -> dict:
    return {"sql": {"source": source}}


def test_it_aggregates_a_million_rows_into_a_preview_and_parquet(target, run_id):
    reporter = MemoryRunReporter()

    result = execute_run(
        run_id=run_id, config=_sql("SELECT sum(id) AS total FROM range(1000000)"), reporter=reporter, target=target
    )

    assert reporter.statuses == [*ON_A_CLUSTER, RunStatus.SUCCEEDED]
    assert reporter.result == result and result.status_message == ""
    preview = json.loads(Path(result.preview_path).read_text())
    assert preview == {
        "columns": [{"name": "total", "type": "int64"}],
        "rows": [[499999500000]],
        "rowCount": 1,
        "truncated": False,
    }
    assert result.row_count == 1
    assert result.results == {"outputPath": str(RunPaths.for_run(run_id).output)}
    assert pq.read_table(result.output_path).to_pylist() == [{"total": 499999500000}]
    running_at = reporter.transitions[-1][1]
    assert result.runner_started_at == running_at < result.runner_completed_at
    elapsed_us = (result.runner_completed_at - result.runner_started_at).total_seconds() * 1e6
    assert result.runner_execution_time_us > 0 and abs(result.runner_execution_time_us - elapsed_us) < 50_000


def test_a_sql_error_fails_the_run_with_the_engines_message(target, run_id):
    reporter = MemoryRunReporter()

    result = execute_run(
        run_id=run_id, config=_sql("SELECT 1; SELECT no_such_column FROM range(3)"), reporter=reporter, target=target
    )

    assert reporter.statuses == [*ON_A_CLUSTER, RunStatus.FAILED]
    assert "no_such_column" in result.status_message and "\n" not in result.status_message
    runner_log = (Path(result.log_dir) / "runner.log").read_text()
    assert result.status_message in runner_log and "SELECT no_such_column" in runner_log
    assert result.output_path is None and result.runner_completed_at is not None


def test_it_runs_statements_in_order_and_keeps_the_last_querys_result(target, run_id, sail_data_dir):
    table = f"sales_{run_id.lower()}"
    script = f"""
        CREATE TABLE {table} AS SELECT id, id % 3 AS region FROM range(30);  -- a table in the warehouse
        INSERT INTO {table} VALUES (100, 0);
        SELECT 'not the result';
        SELECT region, count(*) AS n, sum(id) AS total FROM {table} GROUP BY region ORDER BY region;
        /* trailing comment; not a statement */
    """

    result = execute_run(run_id=run_id, config=_sql(script), reporter=MemoryRunReporter(), target=target)

    assert result.status == RunStatus.SUCCEEDED, result.status_message
    assert pq.read_table(result.output_path).to_pylist() == [
        {"region": 0, "n": 11, "total": sum(range(0, 30, 3)) + 100},
        {"region": 1, "n": 10, "total": sum(range(1, 30, 3))},
        {"region": 2, "n": 10, "total": sum(range(2, 30, 3))},
    ]
    assert any(path.name.startswith(table) for path in (sail_data_dir / "warehouse").iterdir())


def test_the_output_keeps_the_querys_order_and_the_preview_stops_at_100_rows(target, run_id):
    query = "SELECT id, CAST(id AS STRING) AS label FROM range(250000) ORDER BY id DESC"

    result = execute_run(run_id=run_id, config=_sql(query), reporter=MemoryRunReporter(), target=target)

    assert result.status == RunStatus.SUCCEEDED, result.status_message
    ids = pq.read_table(result.output_path).column("id").to_pylist()
    assert ids == list(range(249999, -1, -1))
    preview = json.loads(Path(result.preview_path).read_text())
    assert (preview["rowCount"], preview["truncated"], len(preview["rows"])) == (250000, True, 100)
    assert preview["rows"][:2] == [[249999, "249999"], [249998, "249998"]]


def test_an_empty_result_still_writes_parquet_with_its_columns(target, run_id):
    result = execute_run(
        run_id=run_id,
        config=_sql("SELECT id, 'x' AS tag FROM range(10) WHERE id < 0"),
        reporter=MemoryRunReporter(),
        target=target,
    )

    assert result.status == RunStatus.SUCCEEDED, result.status_message
    table = pq.read_table(result.output_path)
    assert (table.num_rows, table.column_names) == (0, ["id", "tag"])
    assert result.row_count == 0


def test_a_script_without_a_query_succeeds_without_output(target, run_id):
    result = execute_run(
        run_id=run_id, config=_sql("CREATE TEMPORARY VIEW v AS SELECT 1"), reporter=MemoryRunReporter(), target=target
    )

    assert result.status == RunStatus.SUCCEEDED, result.status_message
    assert (result.output_path, result.row_count, result.results) == (None, None, {})


def test_a_bad_configuration_fails_before_running(target, run_id):
    reporter = MemoryRunReporter()

    result = execute_run(run_id=run_id, config={"sql": {"source": "-- nothing"}}, reporter=reporter, target=target)

    assert reporter.statuses == [RunStatus.STARTING, RunStatus.FAILED]
    assert result.status_message == "The SQL has no statements."
    assert result.runner_started_at is None and result.runner_execution_time_us is None


def test_it_cancels_when_another_process_asks_through_the_reporter(target, run_id):
    paths = RunPaths.for_run(run_id)
    reporter = FileRunReporter(paths.root)
    asked_at: list[float] = []

    def ask_to_cancel() -> None:
        while not any(event.get("status") == "running" for event in read_events(paths.root)):
            time.sleep(0.05)
        time.sleep(0.5)
        asked_at.append(time.monotonic())
        subprocess.run(["touch", str(paths.root / "cancel")], check=True, timeout=10)  # as `sail_run` users would

    canceller = threading.Thread(target=ask_to_cancel, daemon=True)
    canceller.start()
    result = execute_run(run_id=run_id, config=_sql(LONG_QUERY), reporter=reporter, target=target, timeout_seconds=60)
    ended_at = time.monotonic()

    assert result.status == RunStatus.CANCELLED and result.status_message == "The run was cancelled."
    assert ended_at - asked_at[0] < 5
    events = read_events(paths.root)
    assert [event["status"] for event in events] == ["starting", "creating_runner", "running", "cancelled"]
    assert events[-1]["event"] == "finish" and events[-1]["runnerExecutionTimeUs"] > 500_000


class CancelAsItRuns(MemoryRunReporter):
    """Asks to cancel the moment the run reports `running`: the interrupt may reach the server before the query."""

    def transition(self, status, *, at, message=""):
        super().transition(status, at=at, message=message)
        if status == RunStatus.RUNNING:
            self.asked_at = time.monotonic()
            self.cancel()


def test_a_cancel_as_the_query_starts_still_stops_it_quickly(target, run_id):
    reporter = CancelAsItRuns()

    result = execute_run(run_id=run_id, config=_sql(LONG_QUERY), reporter=reporter, target=target, timeout_seconds=60)

    assert result.status == RunStatus.CANCELLED
    assert time.monotonic() - reporter.asked_at < 3


def test_a_run_cancelled_before_it_starts_never_runs(target, run_id):
    reporter = MemoryRunReporter()
    reporter.cancel()

    result = execute_run(run_id=run_id, config=_sql("SELECT 1"), reporter=reporter, target=target)

    assert reporter.statuses == [RunStatus.STARTING, RunStatus.CANCELLED]
    assert result.runner_started_at is None


def test_an_unreachable_server_fails_the_run_saying_so(run_id):
    nobody = SailTarget(host="127.0.0.1", port=free_port("127.0.0.1"))
    began = time.monotonic()

    result = execute_run(run_id=run_id, config=_sql("SELECT 1"), reporter=MemoryRunReporter(), target=nobody)

    assert result.status == RunStatus.FAILED
    assert result.status_message.startswith("The Sail server could not be reached: ")
    assert "Connection refused" in result.status_message
    assert time.monotonic() - began < 10  # the client's default retries would wait out ten minutes


def test_the_preview_file_is_what_read_preview_returns(target, run_id):
    assert read_preview(RunPaths.for_run(run_id)) is None
    execute_run(
        run_id=run_id,
        config={"sql": {"source": "SELECT 'a' AS s, CAST(1.5 AS DOUBLE) AS d, DATE'2026-04-06' AS day"}},
        reporter=MemoryRunReporter(),
        target=target,
    )
    preview = read_preview(RunPaths.for_run(run_id))
    assert preview == json.loads(RunPaths.for_run(run_id).preview.read_text())
    assert preview["columns"] == [
        {"name": "s", "type": "string"},
        {"name": "d", "type": "double"},
        {"name": "day", "type": "date32[day]"},
    ]
    assert preview["rows"] == [["a", 1.5, "2026-04-06"]]


def test_named_parameters_bind_the_queries_markers(target, run_id):
    source = (
        "CREATE TEMP VIEW days AS SELECT id FROM range(10); SELECT :day AS day, count(*) AS n FROM days WHERE id < :n"
    )

    result = execute_run(
        run_id=run_id,
        config={"sql": {"source": source}, "python": {"namedParameters": {"day": "2026-04-06"}}},
        reporter=MemoryRunReporter(),
        target=target,
        named_parameters={"n": "3"},
    )

    assert result.status == RunStatus.SUCCEEDED, result.status_message
    assert read_preview(RunPaths.for_run(run_id))["rows"] == [["2026-04-06", 3]]
