from rest_framework import serializers

from apps.core.api.serializers import AuditedSerializer


class UserSerializer(AuditedSerializer):
    id = serializers.CharField(read_only=True)
    email = serializers.EmailField(read_only=True)
    givenName = serializers.CharField(source="given_name", read_only=True)
    familyName = serializers.CharField(source="family_name", read_only=True)
    displayName = serializers.CharField(source="display_name", read_only=True)


class ServiceAccountSerializer(AuditedSerializer):
    id = serializers.CharField(read_only=True)
    username = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)


class MeSerializer(serializers.Serializer):
    """`/me`: exactly one of `user` and `serviceAccount` is set; `root` is null for API callers."""

    root = serializers.JSONField(allow_null=True, read_only=True)
    user = UserSerializer(allow_null=True, read_only=True)
    serviceAccount = ServiceAccountSerializer(source="service_account", allow_null=True, read_only=True)
