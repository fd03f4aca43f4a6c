"""What changed between two versions of a job: one entry per changed value, by wire path (`config.sql.source`).

Objects are compared key by key; lists and scalars as wholes. A change of multi-line text also carries a unified
diff of its lines, for review. A draft's Git pin (`sourceConfig.snapshotCommit`) is left out: publishing sets it.
"""

import difflib
from dataclasses import dataclass
from typing import Any

from apps.workloads.models import JobVersion, VersionStatus
from apps.workloads.versions import VERSION_FIELDS

PINNED = "sourceConfig.snapshotCommit"


@dataclass(frozen=True)
class Change:
    path: str
    kind: str  # added, removed, changed
    before: Any
    after: Any
    lines: list[str] | None = None


def _label(version: JobVersion) -> str:
    return f"version {version.number}" + (" (draft)" if version.status == VersionStatus.DRAFT else "")


def _values(version: JobVersion) -> dict[str, Any]:
    values = {wire: getattr(version, attr) for wire, attr in VERSION_FIELDS.items()}
    values["jobType"] = version.job_type
    return values


def _text_lines(before: Any, after: Any, labels: tuple[str, str]) -> list[str] | None:
    if not (isinstance(before, str) and isinstance(after, str) and ("\n" in before or "\n" in after)):
        return None
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), *labels, lineterm="")
    return list(diff)


def _walk(path: str, before: Any, after: Any, labels: tuple[str, str], out: list[Change]) -> None:
    if isinstance(before, dict) and isinstance(after, dict):
        for key in list(dict.fromkeys([*before, *after])):
            _walk(f"{path}.{key}", before.get(key), after.get(key), labels, out)
        return
    if before == after:
        return
    kind = "added" if before is None else "removed" if after is None else "changed"
    out.append(Change(path, kind, before, after, _text_lines(before, after, labels)))


def version_diff(before: JobVersion, after: JobVersion) -> list[Change]:
    labels = (_label(before), _label(after))
    changes: list[Change] = []
    old, new = _values(before), _values(after)
    for wire in new:
        _walk(wire, old[wire], new[wire], labels, changes)
    if VersionStatus.DRAFT in (before.status, after.status):
        changes = [change for change in changes if change.path != PINNED]
    return changes
