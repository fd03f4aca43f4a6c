"""The organization's `settings.sessions`: timeout defaults and maximums per endpoint type, and the limits.

Timeouts come from `endpointDefaults.<endpointType>`, else `endpointFallback`; a key the organization never set
takes the value a new organization starts with. A limit of 0 means no limit.
"""

from dataclasses import dataclass
from typing import Any

from apps.org.models import Organization
from apps.org.models.organizations import default_settings

TIMEOUT_KEYS = ("idleTimeoutSeconds", "idleCloseDelaySeconds", "maxDurationSeconds")


@dataclass(frozen=True)
class SessionSettings:
    defaults: dict[str, int]
    maximums: dict[str, int]
    max_running_workloads: int  # live compute instances in the organization
    max_concurrent_clients: int  # open sessions sharing one compute instance
    max_sessions_per_member: int  # open sessions of one owner


def _timeouts(stored: dict[str, Any], starting: dict[str, Any], endpoint_type: str, part: str) -> dict[str, int]:
    chosen = (stored.get("endpointDefaults") or {}).get(endpoint_type) or stored.get("endpointFallback") or {}
    fallback = starting["endpointFallback"][part]
    values = chosen.get(part) or {}
    return {key: int(values.get(key, fallback[key])) for key in TIMEOUT_KEYS}


def session_settings(*, org: Organization, endpoint_type: str) -> SessionSettings:
    stored = (org.settings or {}).get("sessions") or {}
    starting = default_settings()["sessions"]

    def limit(key: str) -> int:
        return int(stored.get(key, starting[key]) or 0)

    return SessionSettings(
        defaults=_timeouts(stored, starting, endpoint_type, "defaults"),
        maximums=_timeouts(stored, starting, endpoint_type, "maximums"),
        max_running_workloads=limit("maxRunningWorkloads"),
        max_concurrent_clients=limit("maxConcurrentClients"),
        max_sessions_per_member=limit("maxConcurrentSessionsPerMember"),
    )
