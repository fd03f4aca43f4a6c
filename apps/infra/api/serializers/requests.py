"""Request bodies of the infra endpoints: shapes only; the services check meaning after the permission check."""

from rest_framework import serializers

from apps.infra.api.serializers.configs import (
    ClusterConfigSerializer,
    NetworkConfigSerializer,
    ProviderConfigSerializer,
)
from apps.infra.models.statuses import ProviderKey

IGNORED = "Ignored: the connection is the one in the path."


class ConnectionCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    provider = serializers.ChoiceField(
        choices=ProviderKey.choices,
        error_messages={"invalid_choice": f"Must be one of: {', '.join(ProviderKey.values)}."},
    )
    providerConfig = ProviderConfigSerializer(required=False, allow_null=True)


class ConnectionUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    providerConfig = ProviderConfigSerializer(required=False, allow_null=True)


class VerifySerializer(serializers.Serializer):
    roleArn = serializers.CharField(max_length=300, required=False, allow_blank=True)


class NetworkCreateSerializer(serializers.Serializer):
    connectionId = serializers.CharField(max_length=20, required=False, help_text=IGNORED)
    name = serializers.CharField(max_length=200)
    region = serializers.CharField(max_length=64)
    config = NetworkConfigSerializer(required=False, allow_null=True)


class NetworkUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    config = NetworkConfigSerializer(required=False, allow_null=True)


class ClusterCreateSerializer(serializers.Serializer):
    connectionId = serializers.CharField(max_length=20, required=False, help_text=IGNORED)
    networkId = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=200)
    region = serializers.CharField(max_length=64, required=False, allow_blank=True, help_text="Default: the network's")
    config = ClusterConfigSerializer(required=False, allow_null=True)


class ClusterUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    config = ClusterConfigSerializer(required=False, allow_null=True)


class TeamIdsSerializer(serializers.Serializer):
    teamIds = serializers.ListField(child=serializers.CharField(max_length=20), min_length=1, max_length=50)
