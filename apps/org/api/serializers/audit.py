"""Wire shapes of the audit log (a designed endpoint: the reference has none)."""

from rest_framework import serializers

from apps.core.actor import KINDS
from apps.core.api.fields import RFC3339_INPUT_FORMATS
from apps.core.audit import OUTCOMES

FORMATS = ("json", "csv")


class AuditEventQuerySerializer(serializers.Serializer):
    actorId = serializers.CharField(required=False, max_length=20, help_text="Records of this user or service account")
    action = serializers.CharField(required=False, max_length=100, help_text="An action or its prefix (`team.`)")
    targetType = serializers.CharField(required=False, max_length=64)
    targetId = serializers.CharField(required=False, max_length=64)
    createdAfter = serializers.DateTimeField(
        required=False, input_formats=RFC3339_INPUT_FORMATS, help_text="RFC 3339; inclusive"
    )
    createdBefore = serializers.DateTimeField(
        required=False, input_formats=RFC3339_INPUT_FORMATS, help_text="RFC 3339; exclusive"
    )
    limit = serializers.IntegerField(min_value=0, max_value=100, required=False, default=100)
    marker = serializers.CharField(required=False, help_text="The `marker` of the previous page")
    format = serializers.ChoiceField(
        choices=FORMATS, required=False, default="json", help_text="csv: every matching record, streamed"
    )

    def filters(self) -> dict:
        """The selector's keyword arguments."""
        data = self.validated_data
        return {
            "actor_id": data.get("actorId", ""),
            "action": data.get("action", ""),
            "target_type": data.get("targetType", ""),
            "target_id": data.get("targetId", ""),
            "created_after": data.get("createdAfter"),
            "created_before": data.get("createdBefore"),
        }


class AuditEventSerializer(serializers.Serializer):
    auditEventId = serializers.CharField(source="id")
    actorType = serializers.ChoiceField(source="actor_type", choices=KINDS)
    actorId = serializers.CharField(source="actor_id")
    action = serializers.CharField()
    targetType = serializers.CharField(source="target_type")
    targetId = serializers.CharField(source="target_id")
    ip = serializers.IPAddressField(allow_null=True)
    userAgent = serializers.CharField(source="user_agent")
    requestId = serializers.CharField(source="request_id")
    outcome = serializers.ChoiceField(choices=OUTCOMES)
    changes = serializers.DictField(
        help_text="By wire name, the fields the action set and their new values, or what it concerned (`memberId`): "
        "any JSON value; under a secret-looking key, `[redacted]`"
    )
    createdAt = serializers.DateTimeField(source="created_at")


class AuditEventListSerializer(serializers.Serializer):
    items = AuditEventSerializer(many=True)
    marker = serializers.CharField(required=False, help_text="Present when there are older records")


# The CSV columns: the JSON item's keys, in order.
CSV_COLUMNS = list(AuditEventSerializer().fields)
