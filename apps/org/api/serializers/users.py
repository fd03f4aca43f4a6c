"""Users as the org domain shows them (members' accounts); identity's own endpoints reuse these shapes."""

from rest_framework import serializers

from apps.core.api.serializers import AuditedSerializer


class UserSerializer(AuditedSerializer):
    id = serializers.CharField(read_only=True)
    email = serializers.EmailField(read_only=True)
    givenName = serializers.CharField(source="given_name", read_only=True)
    familyName = serializers.CharField(source="family_name", read_only=True)
    displayName = serializers.CharField(source="display_name", read_only=True)


class UserEmailSerializer(AuditedSerializer):
    userId = serializers.CharField(source="user_id", read_only=True)
    email = serializers.EmailField(read_only=True)
    verifiedAt = serializers.DateTimeField(source="verified_at", allow_null=True, read_only=True)
