from rest_framework import serializers

from apps.core.api.fields import NewPasswordField
from apps.core.api.serializers import AuditedSerializer
from apps.org.api.serializers.users import UserEmailSerializer, UserSerializer


class OrgUserSerializer(UserSerializer):
    """An account as its organization shows it: `displayName` is the membership's name there."""

    # `shown_name` is set on each user by the view (`apps.identity.api.views.users.with_shown_names`).
    displayName = serializers.CharField(source="shown_name", read_only=True)


class UserListSerializer(serializers.Serializer):
    items = OrgUserSerializer(many=True)
    marker = serializers.CharField(required=False)


class UserWriteSerializer(serializers.Serializer):
    """Profile fields; on PATCH every field is optional."""

    email = serializers.EmailField(max_length=254)
    givenName = serializers.CharField(source="given_name", max_length=150, required=False, allow_blank=True)
    familyName = serializers.CharField(source="family_name", max_length=150, required=False, allow_blank=True)
    displayName = serializers.CharField(source="display_name", max_length=300, required=False, allow_blank=True)


class ServiceAccountSerializer(AuditedSerializer):
    id = serializers.CharField(read_only=True)
    username = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)


class MeSerializer(serializers.Serializer):
    """`/me`: exactly one of `user` and `serviceAccount` is set; `root` is null for API callers."""

    root = serializers.DictField(allow_null=True, read_only=True, help_text="The platform root principal; null here.")
    user = UserSerializer(allow_null=True, read_only=True)
    serviceAccount = ServiceAccountSerializer(source="service_account", allow_null=True, read_only=True)


class UserEmailListSerializer(serializers.Serializer):
    items = UserEmailSerializer(many=True)
    marker = serializers.CharField(required=False)


class EmailAddSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class LoginItemSerializer(serializers.Serializer):
    id = serializers.CharField()
    deviceId = serializers.CharField(source="device_id")
    authTime = serializers.DateTimeField(source="auth_time")
    lastUsedAt = serializers.DateTimeField(source="last_used_at")
    expiresAt = serializers.DateTimeField(source="expires_at")
    remoteIp = serializers.CharField(source="remote_ip", allow_null=True)
    userAgent = serializers.CharField(source="user_agent")
    isCurrent = serializers.BooleanField(source="is_current")


class LoginListSerializer(serializers.Serializer):
    items = LoginItemSerializer(many=True)


class TrustedDeviceSerializer(serializers.Serializer):
    id = serializers.CharField()
    deviceId = serializers.CharField(source="device_id")
    expiresAt = serializers.DateTimeField(source="expires_at")
    createdAt = serializers.DateTimeField(source="created_at")
    remoteIp = serializers.CharField(source="remote_ip", allow_null=True)
    userAgent = serializers.CharField(source="user_agent")


class TrustedDeviceListSerializer(serializers.Serializer):
    items = TrustedDeviceSerializer(many=True)


class PasswordChangeSerializer(serializers.Serializer):
    currentPassword = serializers.CharField(max_length=256, trim_whitespace=False)
    newPassword = NewPasswordField()


class TemporaryPasswordSerializer(serializers.Serializer):
    password = serializers.CharField(help_text="Shown once; valid 24 hours; must be changed at first use.")


class MarkerQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(min_value=0, max_value=100, required=False, default=100)
    marker = serializers.CharField(required=False)
