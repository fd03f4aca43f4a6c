"""A run's files: `<data>/runs/<runId>/` with output/, preview.json, logs/ and tmp/ (removed at cleanup)."""

from dataclasses import dataclass
from pathlib import Path

from apps.core import clock
from apps.infra.providers.local import layout


@dataclass(frozen=True)
class RunPaths:
    root: Path

    @classmethod
    def for_run(cls, run_id: str) -> "RunPaths":
        return cls(layout.runs_dir() / layout.safe_name(run_id))

    def create(self) -> "RunPaths":
        for directory in (self.output, self.logs, self.tmp):
            directory.mkdir(parents=True, exist_ok=True)
        return self

    @property
    def output(self) -> Path:
        return self.root / "output"

    @property
    def result(self) -> Path:
        return self.output / "result.parquet"

    @property
    def preview(self) -> Path:
        return self.root / "preview.json"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def runner_log(self) -> Path:
        return self.logs / "runner.log"

    @property
    def stdout_log(self) -> Path:
        return self.logs / "stdout.log"

    @property
    def stderr_log(self) -> Path:
        return self.logs / "stderr.log"

    @property
    def sail_log(self) -> Path:
        return self.logs / "sail.log"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    def has_output(self) -> bool:
        return self.output.is_dir() and any(self.output.iterdir())


class RunLog:
    """The runner's own log: what it did, and every error in full (the status message keeps only the first line)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, text: str) -> None:
        stamp = clock.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        with self.path.open("a") as log:
            log.write(f"{stamp} {text}\n")
