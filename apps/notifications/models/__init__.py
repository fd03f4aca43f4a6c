from apps.notifications.models.channels import Channel
from apps.notifications.models.notifications import Notification, ResourceState
from apps.notifications.models.rules import Rule, RuleChannel, RuleSetVersion
from apps.notifications.models.statuses import (
    ChannelStatus,
    ChannelType,
    DeliveryMode,
    NotificationKind,
    NotificationStatus,
    ScopeType,
    SubjectState,
)

__all__ = [
    "Channel",
    "ChannelStatus",
    "ChannelType",
    "DeliveryMode",
    "Notification",
    "NotificationKind",
    "NotificationStatus",
    "ResourceState",
    "Rule",
    "RuleChannel",
    "RuleSetVersion",
    "ScopeType",
    "SubjectState",
]
