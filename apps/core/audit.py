"""The audit log: one record per state change and sign-in event, written in the caller's transaction.

A record says who acted (from `apps.core.actor`), from where (from `apps.core.audit_context`), what they did to
what, when (`clock.now()`), whether it worked, and which fields changed. Values under secret-looking keys are
replaced before anything is stored, and every string is made single-line, so a record can go to a CSV file or
a log line as it is.
"""

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from apps.core import clock
from apps.core.actor import ANONYMOUS, KINDS, SYSTEM, Actor, current_actor
from apps.core.audit_context import current_request
from apps.core.db.fields import JSONField
from apps.core.ids import new_id

SUCCESS = "success"
FAILURE = "failure"
OUTCOMES = (SUCCESS, FAILURE)
REDACTED = "[redacted]"
# A key is secret when its name contains one of these (a few harmless keys, `keyboard`, are hidden too).
SECRET_WORDS = ("password", "secret", "token", "code", "key", "otpauth")
MAX_STRING = 1000
PRUNE_BATCH = 5000
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


class AuditEvent(models.Model):
    id = models.CharField(primary_key=True, max_length=20, default=new_id, editable=False)
    # No database constraint and no cascade: the log outlives what it describes, organizations included.
    organization = models.ForeignKey(
        "org.Organization",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_type = models.CharField(max_length=20, choices=[(k, k) for k in KINDS])
    actor_id = models.CharField(max_length=20, blank=True, default="")
    action = models.CharField(max_length=100)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64, blank=True, default="")
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True, default="")
    request_id = models.CharField(max_length=64, blank=True, default="")
    outcome = models.CharField(max_length=16, choices=[(o, o) for o in OUTCOMES], default=SUCCESS)
    changes = JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        app_label = "core"
        indexes = [models.Index(fields=["organization", "-created_at", "-id"], name="core_audit_org_newest_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(actor_type__in=KINDS), name="audit_actor_type_valid"),
            models.CheckConstraint(condition=models.Q(outcome__in=OUTCOMES), name="audit_outcome_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id} by {self.actor_type}:{self.actor_id}"


def record(
    action: str,
    *,
    organization_id: str | None,
    target_type: str,
    target_id: str,
    changes: Mapping[str, Any] | None = None,
    outcome: str = SUCCESS,
    actor: Actor | None = None,
) -> AuditEvent:
    """Write one audit record in the current transaction (it rolls back with the change it describes).

    `actor` defaults to whoever acts in this context; with nobody, an anonymous caller inside a request
    and the system outside one.
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    request = current_request()
    actor = actor or current_actor() or Actor("", ANONYMOUS if request else SYSTEM)
    return AuditEvent.objects.create(
        organization_id=organization_id or None,
        actor_type=actor.kind,
        actor_id=actor.id,
        action=single_line(action),
        target_type=single_line(target_type),
        target_id=single_line(str(target_id or "")),
        ip=request.ip if request else None,
        user_agent=single_line(request.user_agent) if request else "",
        request_id=single_line(request.request_id) if request else "",
        outcome=outcome,
        changes=redact(dict(changes or {})),
        created_at=clock.now(),
    )


def single_line(text: str) -> str:
    """CR, LF and other control characters escaped (a value cannot forge a line), long values cut."""
    escaped = _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode(), text)
    return escaped[:MAX_STRING]


def is_secret_key(key: str) -> bool:
    lowered = key.lower()
    return any(word in lowered for word in SECRET_WORDS)


def redact(value: Any) -> Any:
    """A JSON-ready copy of `value` with secret-looking keys' values replaced and strings made single-line."""
    if isinstance(value, Mapping):
        return {single_line(str(k)): REDACTED if is_secret_key(str(k)) else redact(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [redact(v) for v in items]
    if value is None or isinstance(value, bool | int | float):
        return value
    return single_line(value if isinstance(value, str) else str(value))


def prune() -> int:
    """Delete the records older than AUDIT_RETENTION_DAYS, in batches (a large log must not hold one long lock)."""
    cutoff = clock.now() - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    total = 0
    while True:
        batch = list(AuditEvent.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True)[:PRUNE_BATCH])
        if not batch:
            return total
        total += AuditEvent.objects.filter(pk__in=batch).delete()[0]
