"""A job version's `config` (the API's shape) read into what the runner executes."""

import dataclasses
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import PurePosixPath
from typing import Any

from apps.workloads.runner.packages import distribution_name, entry_point_problem, requirement_problem
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
class PackageSpec:
    """`config.python.packageName` (a pip requirement) and `entryPoint` (`module:function` or a console script)."""

    requirement: str
    entry_point: str

    @property
    def distribution(self) -> str:
        return distribution_name(self.requirement)


@dataclass(frozen=True)
class JobSpec:
    """What a run executes. Exactly one of: SQL `statements`, an inline `python_source`, a `package`, or a `git_file`
    (a `.py` or `.sql` file of the Git source). `git` is the version's `sourceConfig` when the run needs its files:
    a Git file's job, and every Python job of a version with a Git source (the checkout is its working directory)."""

    statements: list[str] = field(default_factory=list)
    python_source: str | None = None
    package: PackageSpec | None = None
    git_file: str | None = None
    git: dict[str, Any] | None = None
    parameters: list[str] = field(default_factory=list)
    named_parameters: dict[str, str] = field(default_factory=dict)
    sail_config: dict[str, Any] = field(default_factory=dict)  # for a server started for this run

    @property
    def kind(self) -> str:
        if self.git_file is not None:
            return "sql" if self.git_file.endswith(".sql") else "python"
        return "python" if self.python_source is not None or self.package is not None else "sql"

    @classmethod
    def from_config(
        cls,
        config: Mapping[str, Any],
        *,
        query_text: str | None = None,
        source_config: Mapping[str, Any] | None = None,
    ) -> "JobSpec":
        """`query_text` is the saved query's SQL when `config.sql.queryId` names one (the caller resolves it);
        `source_config` the version's Git source (`sourceConfig`), if any."""
        sql = config.get("sql") or {}
        python = config.get("python") or {}
        common = {
            "parameters": [str(each) for each in python.get("parameters") or []],
            "named_parameters": _named_parameters(python.get("namedParameters") or {}),
            "sail_config": _sail_config(config.get("lakesail") or {}),
        }
        git = dict(source_config) if source_config else None
        source, package, entry = python.get("source"), python.get("packageName"), python.get("entryPoint")
        if source or package or entry:
            if sql.get("source") or sql.get("queryId"):
                raise JobConfigError("A job runs either SQL or Python, not both.")
            if source and (package or entry):
                raise JobConfigError("Give the program (python.source) or an entryPoint to run, not both.")
            if source:
                return cls(python_source=str(source), git=git, **common)
            if package:
                return cls(package=_package(str(package), entry), git=git, **common)
            if git is None:
                raise JobConfigError(
                    "entryPoint without packageName names a file of the Git source: set sourceConfig, "
                    "or packageName for a package's entry point."
                )
            return cls(git_file=_repository_file(str(entry)), git=git, **common)
        source = sql.get("source") or (query_text if sql.get("queryId") else None)
        if not source:
            raise JobConfigError("The job has nothing to run: set config.sql.source, a saved query or python.source.")
        statements = split_statements(str(source))
        if not statements:
            raise JobConfigError("The SQL has no statements.")
        return cls(statements=statements, **common)

    def overridden(
        self, *, parameters: list[str] | None = None, named_parameters: Mapping[str, Any] | None = None
    ) -> "JobSpec":
        """A run's overrides: `parameters` replaces the version's list, `named_parameters` merges over its mapping."""
        changes: dict[str, Any] = {}
        if parameters is not None:
            changes["parameters"] = [str(each) for each in parameters]
        if named_parameters is not None:
            changes["named_parameters"] = {**self.named_parameters, **_named_parameters(named_parameters)}
        return dataclasses.replace(self, **changes)


def _package(requirement: str, entry_point: Any) -> PackageSpec:
    problem = requirement_problem(requirement)
    if problem:
        raise JobConfigError(problem)
    if not entry_point:
        raise JobConfigError("A package job needs an entryPoint: `module:function` or a console script's name.")
    problem = entry_point_problem(str(entry_point))
    if problem:
        raise JobConfigError(problem)
    return PackageSpec(requirement=requirement.strip(), entry_point=str(entry_point))


def _repository_file(entry: str) -> str:
    path = PurePosixPath(entry)
    if path.is_absolute() or "\\" in entry or any(part in ("..", ".git") for part in path.parts):
        raise JobConfigError("entryPoint is a path inside the repository, such as jobs/daily.py.")
    if path.suffix not in (".py", ".sql"):
        raise JobConfigError("entryPoint names a .py program or a .sql script of the repository.")
    return str(path)


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
