"""The objects inside connections, networks and clusters: one declaration each, for requests and responses.

Requests may leave any key out (or send null for "not set"); responses carry every declared key, null when the
stored object lacks it, plus whatever else the provider stored (`filled`).
"""

from functools import cache
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

OPTIONAL = {"required": False, "allow_null": True}


class ProviderConfigSerializer(serializers.Serializer):
    """aws: the account, home region and role LakeSail assumes; local: nothing."""

    accountId = serializers.CharField(max_length=32, **OPTIONAL)
    region = serializers.CharField(max_length=64, **OPTIONAL)
    roleArn = serializers.CharField(max_length=300, **OPTIONAL)
    externalIdSecretArn = serializers.CharField(max_length=300, **OPTIONAL)
    stackArn = serializers.CharField(max_length=300, **OPTIONAL)


class NetworkConfigSerializer(serializers.Serializer):
    cidr = serializers.CharField(max_length=64, help_text="aws: the VPC's; local: inside 127.0.0.0/8", **OPTIONAL)


class NodeGroupSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=63, **OPTIONAL)
    instanceTypes = serializers.ListField(
        child=serializers.CharField(max_length=64), max_length=20, help_text="local: local.<n>cpu", **OPTIONAL
    )
    minSize = serializers.IntegerField(min_value=0, max_value=1000, **OPTIONAL)
    maxSize = serializers.IntegerField(min_value=1, max_value=1000, **OPTIONAL)
    desiredSize = serializers.IntegerField(
        min_value=1, max_value=1000, help_text="local: Sail workers (1: local mode, more: local-cluster)", **OPTIONAL
    )
    diskSizeGb = serializers.IntegerField(min_value=1, max_value=16384, **OPTIONAL)


class ClusterConfigSerializer(serializers.Serializer):
    kubernetesVersion = serializers.CharField(max_length=16, help_text="aws only", **OPTIONAL)
    systemNodeGroup = NodeGroupSerializer(**OPTIONAL)
    publicAccessCidrs = serializers.ListField(child=serializers.CharField(max_length=64), max_length=50, **OPTIONAL)


class ProviderMetadataSerializer(serializers.Serializer):
    clusterName = serializers.CharField(**OPTIONAL)
    clusterArn = serializers.CharField(help_text="aws only", **OPTIONAL)


class HealthMetadataSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="The provider's word, e.g. ACTIVE (aws) or RUNNING (local)", **OPTIONAL)


class IacStateSerializer(serializers.Serializer):
    """Which infrastructure-as-code stack holds the resources; providers keep their resource ids beside these."""

    projectName = serializers.CharField(**OPTIONAL)
    stackName = serializers.CharField(**OPTIONAL)


def plain(value: Any) -> Any:
    """Validated data as stored: plain dicts and lists, keys sent as null left out."""
    if isinstance(value, dict):
        return {key: plain(each) for key, each in value.items() if each is not None}
    if isinstance(value, list):
        return [plain(each) for each in value]
    return value


Shape = tuple[tuple[str, "Shape | None"], ...]


@cache
def _shape(serializer_class: type[serializers.Serializer]) -> Shape:
    """The declared keys, with the nested objects' own (built once: a serializer's fields are costly to build)."""
    fields = serializer_class().fields.items()
    return tuple(
        (name, _shape(type(field)) if isinstance(field, serializers.Serializer) else None) for name, field in fields
    )


def _filled(shape: Shape, value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    out = dict(value)
    for name, nested in shape:
        out[name] = _filled(nested, value.get(name)) if nested else value.get(name)
    return out


def filled(serializer_class: type[serializers.Serializer], value: Any) -> Any:
    return _filled(_shape(serializer_class), value)


def _documented(serializer_class: type[serializers.Serializer]) -> type[serializers.JSONField]:
    @extend_schema_field(serializer_class)
    class Field(serializers.JSONField):
        def to_representation(self, value: Any) -> Any:
            return filled(serializer_class, value)

    Field.__name__ = serializer_class.__name__.replace("Serializer", "Field")
    return Field


ProviderConfigField = _documented(ProviderConfigSerializer)
NetworkConfigField = _documented(NetworkConfigSerializer)
ClusterConfigField = _documented(ClusterConfigSerializer)
ProviderMetadataField = _documented(ProviderMetadataSerializer)
IacStateField = _documented(IacStateSerializer)
HealthMetadataField = _documented(HealthMetadataSerializer)
