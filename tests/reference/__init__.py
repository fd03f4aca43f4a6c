"""The API reference as test data: paths, examples, shape checks.

`endpoints.json` beside this file is a verbatim copy of the LakeSail platform API reference's machine-readable
endpoint list (`spec/endpoints.json` of the project's shared specification, 158 endpoints). The repository tests on
its own: refresh the copy by hand when the reference changes.
"""

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).resolve().parent / "endpoints.json"
BASE = "/api/v1"


@cache
def endpoints() -> list[dict[str, Any]]:
    return json.loads(SPEC_PATH.read_text())["endpoints"]


def _pattern(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$")


@cache
def _compiled() -> list[tuple[re.Pattern[str], dict[str, Any]]]:
    # Literal segments win over parameters (`/me/teams` before `/me/{x}`), so sort by parameter count.
    ordered = sorted(endpoints(), key=lambda e: e["path"].count("{"))
    return [(_pattern(e["path"]), e) for e in ordered]


def endpoint_for(method: str, url_path: str) -> dict[str, Any] | None:
    path = url_path.split("?", 1)[0]
    if path.startswith(BASE):
        path = path[len(BASE) :]
    for pattern, endpoint in _compiled():
        if endpoint["method"] == method.upper() and pattern.match(path):
            return endpoint
    return None


def missing_keys(example: Any, actual: Any, where: str = "") -> list[str]:
    """Every key of the reference example must be present in the response, recursively.

    `additionalProperties` marks a map (any keys); null values and empty lists are not descended into;
    list items are checked against the example's first item. Keys starting with `_` (`_entityRelations`)
    are normalization metadata whose example merges several entity shapes into one object: only their
    presence is checked.
    """
    problems: list[str] = []
    if isinstance(example, dict):
        if set(example) == {"additionalProperties"}:
            return problems
        if not isinstance(actual, dict):
            return [f"{where or '$'}: expected an object, got {type(actual).__name__}"]
        for key, sub in example.items():
            if key not in actual:
                if not (key == "marker" and not where):  # no marker: the last page (spec README)
                    problems.append(f"{where}.{key}" if where else key)
            elif actual[key] is not None and not key.startswith("_"):
                problems.extend(missing_keys(sub, actual[key], f"{where}.{key}" if where else key))
    elif isinstance(example, list) and example and isinstance(actual, list):
        for index, item in enumerate(actual):
            problems.extend(missing_keys(example[0], item, f"{where}[{index}]"))
    return problems
