from django.db import models

from apps.core import clock
from apps.core.db.fields import JSONField
from apps.core.ids import new_id
from apps.notifications.models.statuses import NotificationKind, NotificationStatus, SubjectState


class Notification(models.Model):
    """One message to one channel, and the delivery log entry that follows it: an event, a digest, or a test.

    The event is copied in (type, resource, payload, time) so the message can be built, and the log read,
    whatever becomes of the outbox row. One row per (event, channel), whatever the number of rules that
    matched; a redelivery is a new row pointing at the one it repeats.
    """

    id = models.CharField(primary_key=True, max_length=20, default=new_id, editable=False)
    # Indexed by notif_log_org_newest_idx (a row written per event and channel: no index it does not need).
    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+", db_index=False)
    # The id columns' indexes are declared in Meta: a foreign key's own index on PostgreSQL comes with a second,
    # `varchar_pattern_ops` one for LIKE, which no query of the log makes and every insert would update.
    channel = models.ForeignKey(
        "notifications.Channel", on_delete=models.PROTECT, related_name="notifications", db_index=False
    )
    rule = models.ForeignKey(
        "notifications.Rule",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
        db_index=False,
    )
    kind = models.CharField(max_length=16, choices=NotificationKind.choices, default=NotificationKind.EVENT)
    event_id = models.CharField(max_length=20, blank=True, default="")  # indexed by the one-per-channel constraint
    event_type = models.CharField(max_length=64, blank=True, default="")
    resource_type = models.CharField(max_length=64, blank=True, default="")
    resource_id = models.CharField(max_length=64, blank=True, default="")
    payload = JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    # An event held for a digest: when it is due, and the digest notification that carried it.
    digest_due_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="digest_items", db_index=False
    )
    redelivery_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="redeliveries", db_index=False
    )
    target_summary = models.CharField(max_length=300, blank=True, default="")
    status = models.CharField(max_length=16, choices=NotificationStatus.choices, default=NotificationStatus.PENDING)
    status_message = models.TextField(blank=True, default="")
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="notif_log_org_newest_idx"),
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status__in=["pending", "delivering"]),
                name="notif_log_unsent_idx",
            ),
            models.Index(fields=["channel"], name="notif_log_channel_idx"),
            models.Index(fields=["rule"], name="notif_log_rule_idx"),
            # Only the events a digest carried: an event's own row (digest empty) does not touch it.
            models.Index(fields=["digest"], condition=models.Q(digest__isnull=False), name="notif_log_digest_idx"),
            models.Index(
                fields=["digest_due_at"],
                condition=models.Q(digest_due_at__isnull=False, digest__isnull=True),
                name="notif_log_held_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event_id", "channel"],
                condition=models.Q(kind=NotificationKind.EVENT, redelivery_of__isnull=True),
                name="notif_one_per_event_and_channel",
            ),
            models.CheckConstraint(condition=models.Q(status__in=NotificationStatus.values), name="notif_status_valid"),
            models.CheckConstraint(condition=models.Q(kind__in=NotificationKind.values), name="notif_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.event_type or ''} → {self.channel_id} ({self.status})"


class ResourceState(models.Model):
    """The last failure-or-recovery seen for a watched resource (a job, a cluster): what "only when the state
    changes" and PagerDuty's resolve compare against. Updated by the matcher for every such event."""

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    resource_type = models.CharField(max_length=32)
    resource_id = models.CharField(max_length=64)
    state = models.CharField(max_length=16, choices=SubjectState.choices)
    event_id = models.CharField(max_length=20)
    occurred_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "resource_type", "resource_id"], name="notif_resource_state_unique"
            ),
            models.CheckConstraint(condition=models.Q(state__in=SubjectState.values), name="notif_state_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.resource_type}:{self.resource_id} {self.state}"
