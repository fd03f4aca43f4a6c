"""The value sets the reference shows only as "string": stable, lower-case, checked by the database."""

from django.db import models


class ChannelType(models.TextChoices):
    EMAIL = "email"
    WEBHOOK = "webhook"
    SLACK = "slack"
    PAGERDUTY = "pagerduty"


class ChannelStatus(models.TextChoices):
    ACTIVE = "active"
    DISABLED = "disabled"  # by a person: nothing is sent, matching events are logged as skipped
    FAILING = "failing"  # the last NOTIFICATIONS_FAILING_AFTER attempts failed; sending goes on


class ScopeType(models.TextChoices):
    RESOURCE = "resource"
    TEAM = "team"
    ORGANIZATION = "organization"
    OWN_RESOURCES = "own_resources"


class DeliveryMode(models.TextChoices):
    IMMEDIATE = "immediate"
    DIGEST = "digest"


class NotificationStatus(models.TextChoices):
    PENDING = "pending"
    DELIVERING = "delivering"
    DELIVERED = "delivered"
    FAILED = "failed"
    SKIPPED = "skipped"  # muted, channel disabled, held for a digest, or not a change of state


class NotificationKind(models.TextChoices):
    EVENT = "event"  # one event to one channel
    DIGEST = "digest"  # the events a channel's digest collected
    TEST = "test"  # POST /notifications/channels/{channel}/test


class SubjectState(models.TextChoices):
    OK = "ok"
    FAILING = "failing"
