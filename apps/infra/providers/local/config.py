"""Sail configuration as the environment it reads at start: `SAIL_` + key upper-cased, `.` as `__`, TOML values.

A configuration is a mapping of Sail keys (`"catalog.default_catalog"`) or nested mappings of them
(`{"catalog": {"default_catalog": ...}}`) to values; lists may hold tables (`catalog.list`).
"""

import hashlib
import json
import math
import re
from collections.abc import Iterator, Mapping
from typing import Any

SailConfig = Mapping[str, Any]

DEFAULT_CONFIG: dict[str, Any] = {"mode": "local"}

_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
_BARE_TOML_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


class SailConfigError(ValueError):
    pass


def merged_config(*configs: SailConfig | None) -> dict[str, Any]:
    """Later configurations win, key by key (after flattening, so nested and dotted spellings mix)."""
    merged: dict[str, Any] = {}
    for config in (DEFAULT_CONFIG, *configs):
        merged.update(dict(_flatten(config or {})))
    return merged


def sail_environment(config: SailConfig) -> dict[str, str]:
    return {"SAIL_" + key.upper().replace(".", "__"): toml_value(value) for key, value in _flatten(config)}


def config_hash(config: SailConfig) -> str:
    canonical = json.dumps(sail_environment(config), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _flatten(config: SailConfig, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for raw_key, value in config.items():
        key = f"{prefix}{raw_key}"
        if isinstance(value, Mapping):
            yield from _flatten(value, prefix=key + ".")
            continue
        if not _KEY.match(key):
            raise SailConfigError(f"Not a Sail configuration key: {key!r}")
        yield key, value


def toml_value(value: Any) -> str:
    # Strings are always quoted: bare `true` or `10` would reach Sail as a boolean or an integer.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise SailConfigError(f"Not a finite number: {value!r}")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string literal is a valid TOML basic string
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, Mapping):
        items = (f"{_toml_key(str(k))} = {toml_value(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    raise SailConfigError(f"Cannot express {type(value).__name__} as a Sail configuration value")


def _toml_key(key: str) -> str:
    return key if _BARE_TOML_KEY.match(key) else json.dumps(key)
