from django.db import models

from apps.core.db.fields import JSONField
from apps.core.ids import new_id
from apps.core.models import BaseModel
from apps.notifications.models.statuses import DeliveryMode, ScopeType


class Rule(BaseModel):
    """Which events (types, scope) go to which channels, when (immediately or in a digest), and how quietly.

    `event_types` is the rule's list as the API shows it (shortcuts already expanded). Owners as on channels.
    """

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(
        "org.Team", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    member = models.ForeignKey(
        "org.Member", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    name = models.CharField(max_length=200)
    resource_type = models.CharField(max_length=32)
    scope_type = models.CharField(max_length=16, choices=ScopeType.choices)
    scope_id = models.CharField(max_length=20, blank=True, default="")
    event_types = JSONField(default=list)
    delivery_mode = models.CharField(max_length=16, choices=DeliveryMode.choices, default=DeliveryMode.IMMEDIATE)
    digest_time = models.TimeField(null=True, blank=True)
    digest_timezone = models.CharField(max_length=64, blank=True, default="")
    digest_day_of_week = models.PositiveSmallIntegerField(null=True, blank=True)  # 0 Monday .. 6 Sunday; None daily
    muted_until = models.DateTimeField(null=True, blank=True)
    enabled = models.BooleanField(default=True)
    only_on_state_change = models.BooleanField(default=False)
    only_after_last_retry = models.BooleanField(default=False)
    channels = models.ManyToManyField("notifications.Channel", through="notifications.RuleChannel", related_name="+")

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["organization", "name", "id"], name="notif_rule_org_name_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(scope_type__in=ScopeType.values), name="notif_rule_scope_valid"),
            models.CheckConstraint(
                condition=models.Q(delivery_mode__in=DeliveryMode.values), name="notif_rule_mode_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(team__isnull=True) | models.Q(member__isnull=True), name="notif_rule_one_owner"
            ),
            models.CheckConstraint(
                condition=models.Q(delivery_mode=DeliveryMode.IMMEDIATE)
                | (models.Q(digest_time__isnull=False) & ~models.Q(digest_timezone="")),
                name="notif_rule_digest_schedule",
            ),
            models.CheckConstraint(
                condition=models.Q(digest_day_of_week__isnull=True) | models.Q(digest_day_of_week__lte=6),
                name="notif_rule_digest_day_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RuleSetVersion(models.Model):
    """A token per organization, replaced in the transaction of every change to its rules or channels: the
    matcher's compiled copy of the organization's rules (`apps.notifications.ruleset`) is current while the
    token it was built at is. A random token, not a counter: a change that rolled back never comes back as
    the same version with other contents."""

    organization = models.OneToOneField("org.Organization", on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=20, default=new_id)

    def __str__(self) -> str:
        return f"{self.organization_id} {self.token}"


class RuleChannel(models.Model):
    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="channel_links")
    channel = models.ForeignKey("notifications.Channel", on_delete=models.CASCADE, related_name="rule_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rule", "channel"], name="notif_rule_channel_unique")]

    def __str__(self) -> str:
        return f"{self.rule_id} → {self.channel_id}"
