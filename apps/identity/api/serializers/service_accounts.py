from rest_framework import serializers

from apps.core.api.serializers import AuditedSerializer


class ServiceAccountDetailSerializer(AuditedSerializer):
    id = serializers.CharField(read_only=True)
    username = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    enabled = serializers.BooleanField(source="is_enabled", read_only=True)


class ServiceAccountListSerializer(serializers.Serializer):
    items = ServiceAccountDetailSerializer(many=True)
    marker = serializers.CharField(required=False)


class ServiceAccountWriteSerializer(serializers.Serializer):
    username = serializers.RegexField(r"^[a-z0-9][a-z0-9._-]*$", max_length=100)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    enabled = serializers.BooleanField(source="is_enabled", required=False)


class ApiKeySerializer(AuditedSerializer):
    id = serializers.CharField(read_only=True)
    serviceAccountId = serializers.CharField(source="service_account_id", read_only=True)
    name = serializers.CharField(read_only=True)
    prefix = serializers.CharField(read_only=True, help_text="The first characters of the key, to recognize it.")
    expiresAt = serializers.DateTimeField(source="expires_at", allow_null=True, read_only=True)
    lastUsedAt = serializers.DateTimeField(source="last_used_at", allow_null=True, read_only=True)


class ApiKeyListSerializer(serializers.Serializer):
    items = ApiKeySerializer(many=True)
    marker = serializers.CharField(required=False)


class ApiKeyCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    expiresAt = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="A time in the future; null: the key never expires."
    )


class ApiKeyCreatedSerializer(ApiKeySerializer):
    secret = serializers.CharField(read_only=True, help_text="The key itself: shown once, send it as a Bearer token.")
