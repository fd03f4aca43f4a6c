from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.notifications.models import NotificationKind, NotificationStatus


class NotificationSerializer(serializers.Serializer):
    id = serializers.CharField()
    ruleId = serializers.CharField(source="rule_id", allow_null=True)
    channelId = serializers.CharField(source="channel_id")
    eventId = serializers.SerializerMethodField()
    eventType = serializers.SerializerMethodField()
    kind = serializers.ChoiceField(choices=NotificationKind.choices, help_text="event, digest or test")
    digestId = serializers.CharField(source="digest_id", allow_null=True, help_text="The digest that carried it.")
    redeliveryOf = serializers.CharField(source="redelivery_of_id", allow_null=True)
    targetSummary = serializers.CharField(source="target_summary")
    status = serializers.ChoiceField(choices=NotificationStatus.choices)
    statusMessage = serializers.CharField(source="status_message")
    attempts = serializers.IntegerField()
    lastAttemptAt = serializers.DateTimeField(source="last_attempt_at", allow_null=True)
    nextAttemptAt = serializers.DateTimeField(source="next_attempt_at", allow_null=True)
    deliveredAt = serializers.DateTimeField(source="delivered_at", allow_null=True)
    createdAt = serializers.DateTimeField(source="created_at")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_eventId(self, obj) -> str | None:
        return obj.event_id or None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_eventType(self, obj) -> str | None:
        return obj.event_type or None


class NotificationListSerializer(serializers.Serializer):
    items = NotificationSerializer(many=True)
    marker = serializers.CharField(required=False)


class EventTypeSerializer(serializers.Serializer):
    key = serializers.CharField()
    resourceType = serializers.CharField(source="resource_type")
    label = serializers.CharField()
    description = serializers.CharField()
    expandsTo = serializers.ListField(child=serializers.CharField(), source="expands_to")


class EventTypeListSerializer(serializers.Serializer):
    items = EventTypeSerializer(many=True)
