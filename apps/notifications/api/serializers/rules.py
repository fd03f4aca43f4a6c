from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.serializers import AuditedSerializer
from apps.notifications.models import DeliveryMode, ScopeType

ID = {"max_length": 20}
HH_MM = {"format": "%H:%M", "input_formats": ["%H:%M"]}
# Wire names of the rule fields a request may carry → the services' RuleSpec fields.
SPEC_FIELDS = {
    "name": "name",
    "resourceType": "resource_type",
    "scopeType": "scope_type",
    "scopeId": "scope_id",
    "eventTypes": "event_types",
    "deliveryMode": "delivery_mode",
    "channelIds": "channel_ids",
    "enabled": "enabled",
    "digestTime": "digest_time",
    "digestTimezone": "digest_timezone",
    "digestDayOfWeek": "digest_day_of_week",
    "mutedUntil": "muted_until",
    "onlyOnStateChange": "only_on_state_change",
    "onlyAfterLastRetry": "only_after_last_retry",
}


def spec_changes(validated: dict) -> dict:
    """Validated wire fields → RuleSpec keyword arguments (nulls of text fields as empty text)."""
    changes = {SPEC_FIELDS[k]: v for k, v in validated.items() if k in SPEC_FIELDS}
    for text in ("scope_id", "digest_timezone"):
        if text in changes and changes[text] is None:
            changes[text] = ""
    return changes


class RuleSerializer(AuditedSerializer):
    id = serializers.CharField()
    name = serializers.CharField()
    teamId = serializers.CharField(source="team_id", allow_null=True)
    memberId = serializers.CharField(source="member_id", allow_null=True)
    resourceType = serializers.CharField(source="resource_type", help_text="A catalog resource type, or any.")
    scopeType = serializers.ChoiceField(choices=ScopeType.choices, source="scope_type")
    scopeId = serializers.SerializerMethodField()
    eventTypes = serializers.ListField(child=serializers.CharField(), source="event_types")
    deliveryMode = serializers.ChoiceField(choices=DeliveryMode.choices, source="delivery_mode")
    channelIds = serializers.SerializerMethodField()
    enabled = serializers.BooleanField()
    digestTime = serializers.TimeField(source="digest_time", allow_null=True, **HH_MM)
    digestTimezone = serializers.SerializerMethodField()
    digestDayOfWeek = serializers.IntegerField(source="digest_day_of_week", allow_null=True)
    mutedUntil = serializers.DateTimeField(source="muted_until", allow_null=True)
    onlyOnStateChange = serializers.BooleanField(source="only_on_state_change")
    onlyAfterLastRetry = serializers.BooleanField(source="only_after_last_retry")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_scopeId(self, obj) -> str | None:
        return obj.scope_id or None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_digestTimezone(self, obj) -> str | None:
        return obj.digest_timezone or None

    def get_channelIds(self, obj) -> list[str]:
        return [link.channel_id for link in obj.channel_links.all()]


class RuleListSerializer(serializers.Serializer):
    items = RuleSerializer(many=True)
    marker = serializers.CharField(required=False)


class RuleUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    resourceType = serializers.CharField(max_length=32, required=False)
    scopeType = serializers.ChoiceField(choices=ScopeType.choices, required=False)
    scopeId = serializers.CharField(required=False, allow_null=True, allow_blank=True, **ID)
    eventTypes = serializers.ListField(
        child=serializers.CharField(max_length=64), max_length=50, required=False, help_text="Shortcuts expand."
    )
    deliveryMode = serializers.ChoiceField(choices=DeliveryMode.choices, required=False)
    channelIds = serializers.ListField(child=serializers.CharField(**ID), max_length=20, required=False)
    enabled = serializers.BooleanField(required=False)
    digestTime = serializers.TimeField(required=False, allow_null=True, **HH_MM)
    digestTimezone = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=64)
    digestDayOfWeek = serializers.IntegerField(
        required=False, allow_null=True, help_text="0 (Monday) to 6 (Sunday); null: every day"
    )
    mutedUntil = serializers.DateTimeField(required=False, allow_null=True, help_text="null unmutes")
    onlyOnStateChange = serializers.BooleanField(
        required=False, help_text="Only the first failure after a success, and the recovery."
    )
    onlyAfterLastRetry = serializers.BooleanField(
        required=False, help_text="No failure while a retry follows (payload willRetry)."
    )


class RuleCreateSerializer(RuleUpdateSerializer):
    name = serializers.CharField(max_length=200)
    teamId = serializers.CharField(required=False, allow_null=True, help_text="A team's rule", **ID)
    memberId = serializers.CharField(
        required=False, allow_null=True, help_text="A personal rule (neither: the organization's)", **ID
    )
    resourceType = serializers.CharField(max_length=32)
    scopeType = serializers.ChoiceField(choices=ScopeType.choices)
    eventTypes = serializers.ListField(child=serializers.CharField(max_length=64), max_length=50)
    channelIds = serializers.ListField(child=serializers.CharField(**ID), max_length=20)
