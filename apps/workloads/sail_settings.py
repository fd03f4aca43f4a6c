"""A compute config's `config.sail` as the Sail settings of a session server on a local cluster.

`executionMode` standalone is Sail's `local` mode (one process); cluster is `local-cluster` with
`compute.worker.maxNodes` workers of `compute.worker.instanceType`'s task slots. `extraEnv` takes `SAIL_*` variables
as Sail reads them (`SAIL_EXECUTION__BATCH_SIZE=8192`: key `execution.batch_size`, a TOML value; text that is not
TOML is a string).
"""

import re
import tomllib
from collections.abc import Mapping
from typing import Any

from apps.infra.providers.local.config import SailConfigError, sail_environment
from apps.infra.providers.local.profiles import by_id as local_profiles
from apps.infra.providers.local.provider import MAX_WORKERS
from apps.workloads.models import ExecutionMode

_ENV_NAME = re.compile(r"^SAIL_[A-Z][A-Z0-9_]*$")
DEFAULT_WORKERS = 2
# Set by `executionMode`: an extra variable must not contradict it.
_RESERVED = {"SAIL_MODE"}


def env_key(name: str) -> str:
    """`SAIL_EXECUTION__BATCH_SIZE` → `execution.batch_size`."""
    return name.removeprefix("SAIL_").lower().replace("__", ".")


def env_value(text: str) -> Any:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def sail_config(sail: Mapping[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = {"mode": "local"}
    if sail.get("executionMode") == ExecutionMode.CLUSTER:
        worker = (sail.get("compute") or {}).get("worker") or {}
        workers = int(worker.get("maxNodes") or DEFAULT_WORKERS)
        config = {"mode": "local-cluster", "cluster.worker_initial_count": workers, "cluster.worker_max_count": workers}
        profile = local_profiles().get(str(worker.get("instanceType") or ""))
        if profile is not None:
            config["cluster.worker_task_slots"] = profile.vcpus
    for name, text in (sail.get("extraEnv") or {}).items():
        config[env_key(name)] = env_value(str(text))
    return config


def sail_errors(sail: Mapping[str, Any], *, local: bool) -> dict[str, str]:
    """Problems of `config.sail`, keyed by wire path below `config.sail.`; `local`: the cluster is a local one."""
    errors: dict[str, str] = {}
    mode = sail.get("executionMode")
    if mode is not None and mode not in ExecutionMode.values:
        errors["executionMode"] = f"Must be one of: {', '.join(ExecutionMode.values)}."
    compute = sail.get("compute") or {}
    max_nodes = (compute.get("worker") or {}).get("maxNodes")
    if max_nodes is not None and not 1 <= max_nodes <= MAX_WORKERS:
        errors["compute.worker.maxNodes"] = f"Between 1 and {MAX_WORKERS}."
    for name, value in (sail.get("extraEnv") or {}).items():
        if not _ENV_NAME.match(name) or name in _RESERVED:
            errors[f"extraEnv.{name}"] = "Only SAIL_* variables reach the server (SAIL_MODE is set by executionMode)."
            continue
        try:
            sail_environment({env_key(name): env_value(str(value))})
        except SailConfigError as exc:
            errors[f"extraEnv.{name}"] = str(exc)
    if local:
        errors.update(_local_errors(sail, compute))
    return errors


def _local_errors(sail: Mapping[str, Any], compute: Mapping[str, Any]) -> dict[str, str]:
    errors = {}
    known = local_profiles()
    for role in ("driver", "worker"):
        instance_type = (compute.get(role) or {}).get("instanceType")
        if instance_type and instance_type not in known:
            errors[f"compute.{role}.instanceType"] = f"Not a profile of this machine; one of: {', '.join(known)}."
    unsupported = "The local provider runs the installed Sail: images and libraries apply to Kubernetes clusters."
    if sail.get("lakesailImageUri"):
        errors["lakesailImageUri"] = unsupported
    if sail.get("libraries"):
        errors["libraries"] = unsupported
    return errors
