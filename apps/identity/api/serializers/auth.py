from rest_framework import serializers

from apps.identity.api.serializers.users import UserSerializer


class LoginSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    deviceId = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class OrganizationSummarySerializer(serializers.Serializer):
    id = serializers.CharField()
    slug = serializers.CharField()
    name = serializers.CharField()


class LoginResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expiresAt = serializers.DateTimeField()
    loginId = serializers.CharField()
    user = UserSerializer()
    organizations = OrganizationSummarySerializer(many=True)


class OrganizationListSerializer(serializers.Serializer):
    items = OrganizationSummarySerializer(many=True)
