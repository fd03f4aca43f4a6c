"""A job version's `config` (the API's shape) read into what the runner executes."""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from apps.workloads.runner.statements import split_statements

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SAIL_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_EXECUTION_MODES = {
    "standalone": "local",
    "local": "local",
    "cluster": "local-cluster",
    "local-cluster": "local-cluster",
}


class JobConfigError(ValueError):
    pass


class CleanupMode(StrEnum):
    """Whether the run's own Sail server and temporary files are removed when it ends."""

    ALWAYS = "always"
    ON_SUCCESS = "on_success"
    NEVER = "never"


@dataclass(frozen=True)
class JobSpec:
    statements: list[str] = field(default_factory=list)  # a SQL job
    python_source: str | None = None  # a Python job
    parameters: list[str] = field(default_factory=list)
    named_parameters: dict[str, str] = field(default_factory=dict)
    sail_config: dict[str, Any] = field(default_factory=dict)  # for a server started for this run

    @property
    def kind(self) -> str:
        return "python" if self.python_source is not None else "sql"

    @classmethod
    def from_config(cls, config: Mapping[str, Any], *, query_text: str | None = None) -> "JobSpec":
        """`query_text` is the saved query's SQL when `config.sql.queryId` names one (the caller resolves it)."""
        sql = config.get("sql") or {}
        python = config.get("python") or {}
        sail_config = _sail_config(config.get("lakesail") or {})
        if python.get("source"):
            if sql.get("source") or sql.get("queryId"):
                raise JobConfigError("A job runs either SQL or Python, not both.")
            return cls(
                python_source=str(python["source"]),
                parameters=[str(each) for each in python.get("parameters") or []],
                named_parameters=_named_parameters(python.get("namedParameters") or {}),
                sail_config=sail_config,
            )
        if python.get("packageName") or python.get("entryPoint"):
            raise JobConfigError("Python packages (packageName/entryPoint) are not supported yet; give a source.")
        source = sql.get("source") or (query_text if sql.get("queryId") else None)
        if not source:
            raise JobConfigError("The job has nothing to run: set config.sql.source, a saved query or python.source.")
        statements = split_statements(str(source))
        if not statements:
            raise JobConfigError("The SQL has no statements.")
        return cls(statements=statements, sail_config=sail_config)


def _named_parameters(named: Mapping[str, Any]) -> dict[str, str]:
    for name in named:
        if not _ENV_NAME.match(str(name)):
            raise JobConfigError(f"Named parameter {name!r} is not a valid environment variable name.")
    return {str(name): str(value) for name, value in named.items()}


def _sail_config(lakesail: Mapping[str, Any]) -> dict[str, Any]:
    """`executionMode` picks Sail's mode; extra properties spelled as Sail keys pass through as its configuration."""
    config: dict[str, Any] = {}
    mode = lakesail.get("executionMode")
    if mode:
        if mode not in _EXECUTION_MODES:
            raise JobConfigError(f"Unknown executionMode {mode!r}; expected one of {sorted(_EXECUTION_MODES)}.")
        config["mode"] = _EXECUTION_MODES[mode]
    for key, value in lakesail.items():
        if is_sail_key(key):
            config[key] = _typed(value)
    return config


def is_sail_key(key: str) -> bool:
    """Whether an extra `lakesail` property is a Sail configuration key (`spark.sql.shuffle.partitions`): only those
    reach Sail."""
    return bool(_SAIL_KEY.match(key))


def _typed(value: Any) -> Any:
    # The API carries extra properties as strings; Sail wants `2` and `true` as a number and a boolean.
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
