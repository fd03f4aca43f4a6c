"""How an execution ended, as the SQL and Python executions report it to the orchestrator."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    succeeded: bool
    error: str = ""  # the engine's (or the script's) full error text
    row_count: int | None = None

    @property
    def first_line(self) -> str:
        return next((line.strip() for line in self.error.splitlines() if line.strip()), "")
