"""Run SQL or a PySpark script through the job runner, printing each status, the preview and the timings."""

import json
import time
from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.ids import new_id
from apps.workloads.runner import (
    CleanupMode,
    FileRunReporter,
    RunPaths,
    RunResult,
    RunStatus,
    SailTarget,
    execute_run,
)


class ConsoleReporter(FileRunReporter):
    """Records in the run directory (so `touch <run dir>/cancel` cancels) and echoes each step."""

    def __init__(self, run_dir: Path, write) -> None:
        super().__init__(run_dir)
        self.write = write
        self.began = time.monotonic()

    def transition(self, status: RunStatus, *, at: datetime, message: str = "") -> None:
        super().transition(status, at=at, message=message)
        self.write(f"{time.monotonic() - self.began:7.3f}s  {status}")

    def finish(self, result: RunResult) -> None:
        super().finish(result)
        line = f"{time.monotonic() - self.began:7.3f}s  {result.status}"
        self.write(f"{line}: {result.status_message}" if result.status_message else line)


class Command(BaseCommand):
    help = "Run a SQL script or a PySpark job through the runner (on its own Sail server unless --server is given)."

    def add_arguments(self, parser: CommandParser) -> None:
        job = parser.add_mutually_exclusive_group(required=True)
        job.add_argument("--sql", help="SQL statements separated by ';'")
        job.add_argument("--sql-file", type=Path, help="a file of SQL statements")
        job.add_argument("--python", type=Path, help="a PySpark script")
        parser.add_argument("--param", action="append", default=[], help="an argument for the script (repeatable)")
        parser.add_argument("--named", action="append", default=[], metavar="NAME=VALUE", help="an env var for it")
        parser.add_argument("--server", metavar="HOST:PORT", help="run on this Sail server instead of starting one")
        parser.add_argument("--sail-config", action="append", default=[], metavar="KEY=VALUE", help="Sail setting")
        parser.add_argument("--timeout", type=float, help="seconds the job may run")
        parser.add_argument("--cleanup", choices=[mode.value for mode in CleanupMode], default=CleanupMode.ALWAYS)
        parser.add_argument("--run-id", default=None, help="default: a new id")

    def handle(self, *args, **options) -> None:
        config = self._config(options)
        run_id = options["run_id"] or new_id()
        paths = RunPaths.for_run(run_id)
        self.stdout.write(f"run {run_id} in {paths.root}")
        reporter = ConsoleReporter(paths.root, self.stdout.write)
        result = execute_run(
            run_id=run_id,
            config=config,
            reporter=reporter,
            target=_target(options["server"]),
            timeout_seconds=options["timeout"],
            cleanup_mode=options["cleanup"],
        )
        self._print_result(result)
        if result.status != RunStatus.SUCCEEDED:
            raise CommandError(f"run {run_id} ended {result.status}: {result.status_message}")

    def _config(self, options) -> dict:
        lakesail = dict(_pairs(options["sail_config"], "--sail-config"))
        if options["python"]:
            python = {
                "source": options["python"].read_text(),
                "parameters": options["param"],
                "namedParameters": dict(_pairs(options["named"], "--named")),
            }
            return {"python": python, "lakesail": lakesail}
        source = options["sql"] if options["sql"] is not None else options["sql_file"].read_text()
        return {"sql": {"source": source}, "lakesail": lakesail}

    def _print_result(self, result: RunResult) -> None:
        if result.preview_path:
            preview = json.loads(Path(result.preview_path).read_text())
            self.stdout.write("")
            self.stdout.write(_table(preview))
            self.stdout.write(f"{preview['rowCount']} row(s)")
        self.stdout.write("")
        for label, value in (
            ("runnerStartedAt", result.to_dict()["runnerStartedAt"]),
            ("runnerCompletedAt", result.to_dict()["runnerCompletedAt"]),
            ("runnerExecutionTimeUs", result.runner_execution_time_us),
            ("outputPath", result.output_path),
            ("logs", result.log_dir),
            ("sailProcessId (kept)", result.sail_process_id),
        ):
            if value is not None:
                self.stdout.write(f"{label:22} {value}")


def _pairs(items: list[str], flag: str) -> list[tuple[str, str]]:
    pairs = []
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise CommandError(f"{flag} takes NAME=VALUE, not {item!r}")
        pairs.append((name, value))
    return pairs


def _target(server: str | None) -> SailTarget | None:
    if not server:
        return None
    host, _, port = server.rpartition(":")
    if not host or not port.isdigit():
        raise CommandError(f"--server takes HOST:PORT, not {server!r}")
    return SailTarget(host=host, port=int(port))


def _table(preview: dict, limit: int = 20) -> str:
    headers = [column["name"] for column in preview["columns"]]
    rows = [["NULL" if value is None else str(value) for value in row] for row in preview["rows"][:limit]]
    widths = [max([len(h), *(len(row[i]) for row in rows)]) for i, h in enumerate(headers)]
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    render = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"  # noqa: E731
    return "\n".join([line, render(headers), line, *(render(row) for row in rows), line])
