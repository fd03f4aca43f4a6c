from django.db import models

from apps.core.crypto import EncryptedTextField
from apps.core.db.fields import JSONField
from apps.core.models import BaseModel
from apps.notifications.models.statuses import ChannelStatus, ChannelType


class Channel(BaseModel):
    """Where notifications go: an email recipient, a signed webhook, a Slack incoming webhook, a PagerDuty service.

    Owned by a member (personal), a team, or the organization (neither). `config` is what the API shows; the
    secrets (webhook URL and signing secret, custom header values, Slack URL, PagerDuty routing key) live in
    `secrets`, a JSON object encrypted at rest. Deleting is soft: the delivery log keeps naming the channel.
    The owner columns carry no database constraint: a team or member that goes away soft-deletes its channels
    through their events (`team.deleted`, `member.removed`), and the log outlives both.
    """

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(
        "org.Team", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    member = models.ForeignKey(
        "org.Member", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    type = models.CharField(max_length=16, choices=ChannelType.choices)
    name = models.CharField(max_length=200)
    config = JSONField(default=dict, blank=True)
    secrets = EncryptedTextField(blank=True, default="")
    status = models.CharField(max_length=16, choices=ChannelStatus.choices, default=ChannelStatus.ACTIVE)
    status_message = models.TextField(blank=True, default="")
    verified_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["organization", "name", "id"], name="notif_channel_org_name_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(type__in=ChannelType.values), name="notif_channel_type_valid"),
            models.CheckConstraint(
                condition=models.Q(status__in=ChannelStatus.values), name="notif_channel_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(team__isnull=True) | models.Q(member__isnull=True),
                name="notif_channel_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.type})"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
