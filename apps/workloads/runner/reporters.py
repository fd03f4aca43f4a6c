"""RunReporter implementations kept outside the database: in memory (tests, benchmarks) and in a run's directory
(the `sail_run` command; any process can read the status or request a cancel through the files)."""

import json
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from apps.core import clock
from apps.workloads.runner.reporting import RunResult, RunStatus

STATUS_FILE = "status.jsonl"
CANCEL_FILE = "cancel"


class MemoryRunReporter:
    def __init__(self) -> None:
        self.transitions: list[tuple[RunStatus, datetime, str]] = []
        self.result: RunResult | None = None
        self._cancel = threading.Event()

    @property
    def statuses(self) -> list[RunStatus]:
        terminal = [self.result.status] if self.result else []
        return [status for status, _, _ in self.transitions] + terminal

    def transition(self, status: RunStatus, *, at: datetime, message: str = "") -> None:
        self.transitions.append((status, at, message))

    def finish(self, result: RunResult) -> None:
        self.result = result

    def cancel(self) -> None:
        self._cancel.set()

    def cancel_requested(self) -> bool:
        return self._cancel.is_set()


class FileRunReporter:
    """Appends one JSON line per event to `<run_dir>/status.jsonl`; a `<run_dir>/cancel` file requests a cancel."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        run_dir.mkdir(parents=True, exist_ok=True)

    def transition(self, status: RunStatus, *, at: datetime, message: str = "") -> None:
        self._append({"event": "transition", "status": str(status), "at": _iso(at), "message": message})

    def finish(self, result: RunResult) -> None:
        self._append({"event": "finish", "at": _iso(clock.now()), **result.to_dict()})

    def cancel_requested(self) -> bool:
        return (self.run_dir / CANCEL_FILE).exists()

    def fail_if_unfinished(self, message: str) -> bool:
        """For whoever outlives a crashed runner (a reaper hook): end the run as failed unless it already ended."""
        last = read_events(self.run_dir)[-1:] or [{}]
        if last[0].get("event") == "finish":
            return False
        self.finish(RunResult(status=RunStatus.FAILED, status_message=message))
        return True

    def _append(self, event: dict[str, Any]) -> None:
        with (self.run_dir / STATUS_FILE).open("a") as status_file:
            status_file.write(json.dumps(event) + "\n")


def request_cancel(run_dir: Path) -> None:
    (run_dir / CANCEL_FILE).touch()


def read_events(run_dir: Path) -> list[dict[str, Any]]:
    path = run_dir / STATUS_FILE
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def current_status(run_dir: Path) -> str | None:
    events = read_events(run_dir)
    return events[-1]["status"] if events else None


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")
