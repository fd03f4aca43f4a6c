"""The organization's audit log, as its administrators read it."""

from datetime import datetime

from django.db.models import QuerySet

from apps.core.audit import AuditEvent
from apps.core.console_list import ListOptions
from apps.core.principal import Principal
from apps.org.access import require, visible

RELATION = "CanViewAuditLog"
# The console's audit log: newest first, filters only (no free-text search).
AUDIT_LIST = ListOptions(
    sorts={"time": ("created_at",), "action": ("action", "created_at")},
    default_sort="time",
    default_direction="desc",
    page_size=50,
    searchable=False,
)


def audit_event_list(
    *,
    principal: Principal,
    actor_id: str = "",
    action: str = "",
    target_type: str = "",
    target_id: str = "",
    created_after: datetime | None = None,
    created_before: datetime | None = None,
) -> QuerySet[AuditEvent]:
    """The organization's records, newest first; `action` is a prefix (`team.` finds every team action).

    `created_after` is inclusive, `created_before` exclusive, so consecutive windows never share a record.
    """
    require(principal, RELATION)
    events = visible(AuditEvent.objects.all(), principal, RELATION)
    if actor_id:
        events = events.filter(actor_id=actor_id)
    if action:
        events = events.filter(action__startswith=action)
    if target_type:
        events = events.filter(target_type=target_type)
    if target_id:
        events = events.filter(target_id=target_id)
    if created_after is not None:
        events = events.filter(created_at__gte=created_after)
    if created_before is not None:
        events = events.filter(created_at__lt=created_before)
    return events.order_by("-created_at", "-id")
