"""How an execution ended, as the SQL and Python executions report it to the orchestrator, and the two ways its
preparation (a Git checkout, a package's environment) stops short of running it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    succeeded: bool
    error: str = ""  # the engine's (or the script's) full error text
    row_count: int | None = None

    @property
    def first_line(self) -> str:
        return next((line.strip() for line in self.error.splitlines() if line.strip()), "")


class NotPrepared(Exception):
    """The job's code or environment could not be made ready: the run fails with this message."""


class Aborted(Exception):
    """The run was cancelled while its code or environment was being made ready."""
