"""The local provider: Sail servers as supervised processes on this host (see supervisor.py and reaper.py)."""

from apps.infra.providers.local.config import SailConfigError, merged_config, sail_environment
from apps.infra.providers.local.health import ResourceUse, is_serving
from apps.infra.providers.local.reaper import LostProcess, ReapReport, reap_sail_processes
from apps.infra.providers.local.supervisor import (
    SailHealth,
    SailServer,
    SailStartError,
    SailStopError,
    sail_detach,
    sail_health,
    sail_start,
    sail_stop,
)

__all__ = [
    "LostProcess",
    "ReapReport",
    "ResourceUse",
    "SailConfigError",
    "SailHealth",
    "SailServer",
    "SailStartError",
    "SailStopError",
    "is_serving",
    "merged_config",
    "reap_sail_processes",
    "sail_detach",
    "sail_environment",
    "sail_health",
    "sail_start",
    "sail_stop",
]
