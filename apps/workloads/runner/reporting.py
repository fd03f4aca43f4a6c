"""What the runner tells the outside world, and how the outside world asks it to stop: the RunReporter protocol.

The workloads app implements it on its job-run model; reporters.py has memory- and file-backed ones.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol


class RunStatus(StrEnum):
    """The hosted platform's run statuses, in the order a run passes through them."""

    STARTING = "starting"
    CREATING_SAIL = "creating_sail"
    WAITING_FOR_SAIL = "waiting_for_sail"
    CREATING_RUNNER = "creating_runner"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    TIMEOUT = "timeout"
    CANCELLED = "cancelled"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STATUSES


TERMINAL_STATUSES = frozenset({RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.TIMEOUT, RunStatus.CANCELLED})


@dataclass(frozen=True)
class RunResult:
    status: RunStatus
    status_message: str = ""
    runner_started_at: datetime | None = None
    runner_completed_at: datetime | None = None
    runner_execution_time_us: int | None = None
    output_path: str | None = None
    row_count: int | None = None  # rows of the last query (SQL jobs)
    preview_path: str | None = None
    log_dir: str | None = None
    sail_process_id: str | None = None  # the run's own server, when it was kept running (cleanup mode)

    @property
    def results(self) -> dict[str, Any]:
        """The run's `results` object as the API spells it."""
        return {"outputPath": self.output_path} if self.output_path else {}

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": str(self.status),
            "statusMessage": self.status_message,
            "runnerStartedAt": _timestamp(self.runner_started_at),
            "runnerCompletedAt": _timestamp(self.runner_completed_at),
            "runnerExecutionTimeUs": self.runner_execution_time_us,
            "results": self.results,
            "rowCount": self.row_count,
            "previewPath": self.preview_path,
            "logDir": self.log_dir,
            "sailProcessId": self.sail_process_id,
        }


def _timestamp(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


class RunReporter(Protocol):
    def transition(self, status: RunStatus, *, at: datetime, message: str = "") -> None:
        """A non-terminal status change (`running` comes with the runner's start time as `at`)."""

    def finish(self, result: RunResult) -> None:
        """The terminal status, with timings and results; called once, after the run's resources are cleaned up."""

    def cancel_requested(self) -> bool:
        """Polled a few times a second while the run is active; true ends it as `cancelled`.

        Another process requests the cancel (a column on the run row, a file), so this must read shared state.
        """
