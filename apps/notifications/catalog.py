"""The event types rules can subscribe to, and what the notifications domain knows about each.

Each type names the resource kind a rule watches (`resourceType`), whether it is a failure or a recovery (for
"only when the state changes" and PagerDuty's trigger/resolve), which payload field names the watched resource
(the "subject": a run's job, a cluster), and the relation a member needs to see such an event (personal rules
only hear of what their member may see). Shortcuts (`expandsTo`) are expanded when a rule is written: a rule
stores plain event types only. A type with no producer yet is listed and never fires.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    FAILURE = "failure"
    RECOVERY = "recovery"
    NEUTRAL = "neutral"


# Resource kinds a rule can watch: label, and the relation that shows such a resource to a member.
RESOURCE_TYPES: dict[str, tuple[str, str]] = {
    "job": ("Job runs", "CanViewJobs"),
    "cluster": ("Clusters", "CanViewClusters"),
    "operation": ("Operations", "CanViewOperations"),
    "session": ("Spark Connect sessions", "CanViewSessions"),
    "member": ("Members", "CanViewMembers"),
    "api_key": ("API keys", "CanViewServiceAccounts"),
}
ANY_RESOURCE = "any"  # a rule (or shortcut) spanning resource kinds


@dataclass(frozen=True)
class EventType:
    key: str
    resource_type: str
    label: str
    description: str
    outcome: Outcome = Outcome.NEUTRAL
    # The payload field naming the watched resource; None: the event's own resource id.
    subject_field: str | None = None
    expands_to: tuple[str, ...] = field(default=())

    @property
    def is_shortcut(self) -> bool:
        return bool(self.expands_to)

    @property
    def view_relation(self) -> str:
        return RESOURCE_TYPES[self.resource_type][1]


_RUN = "Payload: jobId, runId, status, message, teamIds (optional: ownerId, willRetry)."
_CLUSTER = "Payload: name, message (optional: health, teamIds)."

EVENT_TYPES: tuple[EventType, ...] = (
    EventType("run.started", "job", "Run started", f"A job run started. {_RUN}", subject_field="jobId"),
    EventType(
        "run.succeeded",
        "job",
        "Run succeeded",
        f"A job run finished successfully. {_RUN}",
        Outcome.RECOVERY,
        subject_field="jobId",
    ),
    EventType("run.failed", "job", "Run failed", f"A job run failed. {_RUN}", Outcome.FAILURE, subject_field="jobId"),
    EventType(
        "run.timeout",
        "job",
        "Run timed out",
        f"A job run exceeded its time limit. {_RUN}",
        Outcome.FAILURE,
        subject_field="jobId",
    ),
    EventType("run.cancelled", "job", "Run cancelled", f"A job run was cancelled. {_RUN}", subject_field="jobId"),
    EventType("run.retried", "job", "Run retried", f"A failed run is being retried. {_RUN}", subject_field="jobId"),
    EventType("cluster.provisioned", "cluster", "Cluster provisioned", f"A cluster is ready. {_CLUSTER}"),
    EventType(
        "cluster.unhealthy",
        "cluster",
        "Cluster unhealthy",
        f"A running cluster stopped answering its health checks. {_CLUSTER}",
        Outcome.FAILURE,
    ),
    EventType(
        "cluster.recovered",
        "cluster",
        "Cluster recovered",
        f"An unhealthy cluster is healthy again. {_CLUSTER}",
        Outcome.RECOVERY,
    ),
    EventType("cluster.destroyed", "cluster", "Cluster destroyed", f"A cluster was torn down. {_CLUSTER}"),
    EventType(
        "operation.failed",
        "operation",
        "Operation failed",
        "A provisioning, update, destroy or sync operation failed. "
        "Payload: operation, resourceType, resourceId, code, message, retryable.",
        Outcome.FAILURE,
        subject_field="resourceId",
    ),
    EventType(
        "session.failed",
        "session",
        "Session failed",
        "A Spark Connect session failed. Payload: sessionId, clusterId, message, teamIds.",
        Outcome.FAILURE,
    ),
    EventType(
        "session.idle_closed",
        "session",
        "Session closed when idle",
        "A Spark Connect session was closed after its idle timeout. Payload: sessionId, clusterId, teamIds.",
    ),
    EventType("member.joined", "member", "Member joined", "Someone joined the organization. Payload: email, teamIds."),
    EventType(
        "api_key.expiring",
        "api_key",
        "API key expiring",
        "A service account's API key expires within 7 days. Payload: serviceAccountId, keyId, expiresAt.",
    ),
)

SHORTCUTS: tuple[EventType, ...] = (
    EventType(
        "run.any_terminal",
        "job",
        "Any terminal run status",
        "Succeeded, failed, timed out or cancelled.",
        expands_to=("run.succeeded", "run.failed", "run.timeout", "run.cancelled"),
    ),
    EventType(
        "any.failure",
        ANY_RESOURCE,
        "Any failure",
        "Every failure event: runs failed or timed out, clusters unhealthy, operations and sessions failed.",
        expands_to=tuple(e.key for e in EVENT_TYPES if e.outcome == Outcome.FAILURE),
    ),
)

BY_KEY: dict[str, EventType] = {e.key: e for e in (*EVENT_TYPES, *SHORTCUTS)}
EVENT_KEYS: tuple[str, ...] = tuple(e.key for e in EVENT_TYPES)


def catalog() -> tuple[EventType, ...]:
    """What `GET /notifications/event-types` lists: every type, then the shortcuts."""
    return (*EVENT_TYPES, *SHORTCUTS)


def expand(keys: list[str], resource_type: str) -> tuple[list[str], dict[str, str]]:
    """Plain event types for a rule watching `resource_type`, and an error per key that cannot be used.

    A shortcut expands to its types of the rule's resource type (all of them for `any`); a plain type must be
    of the rule's resource type.
    """
    expanded: list[str] = []
    errors: dict[str, str] = {}
    for index, key in enumerate(keys):
        event_type = BY_KEY.get(key)
        if event_type is None:
            errors[f"eventTypes[{index}]"] = "Unknown event type."
            continue
        members = [BY_KEY[k] for k in event_type.expands_to] if event_type.is_shortcut else [event_type]
        fitting = [e.key for e in members if resource_type in (ANY_RESOURCE, e.resource_type)]
        if not fitting:
            errors[f"eventTypes[{index}]"] = f"Not an event of resource type {resource_type}."
        expanded.extend(k for k in fitting if k not in expanded)
    return expanded, errors


def subject_of(event_type: EventType, resource_id: str, payload: dict[str, Any]) -> str:
    """The id of the resource a rule with scope `resource` names for this event (a run's job, a cluster)."""
    if event_type.subject_field:
        return str(payload.get(event_type.subject_field) or "")
    return resource_id
