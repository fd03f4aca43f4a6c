"""The objects inside jobs and catalogs, declared once for requests, responses and the schema.

Requests may leave any key out or send null ("not set"); the shapes are checked here, the values by the services
(after the permission check). Responses carry every declared key, null when the stored object lacks it, and
whatever else was stored (extra `lakesail` properties, the provider options of a catalog).
"""

from functools import cache
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

OPTIONAL = {"required": False, "allow_null": True}
TEXT = 1_000_000  # SQL or Python inline: generous, under the request body limit
SHORT = 500


class SqlConfigSerializer(serializers.Serializer):
    source = serializers.CharField(max_length=TEXT, help_text="The SQL, statements separated by ;", **OPTIONAL)
    queryId = serializers.CharField(max_length=20, help_text="Or a saved query's id", **OPTIONAL)


class PythonConfigSerializer(serializers.Serializer):
    source = serializers.CharField(max_length=TEXT, help_text="The Python program", **OPTIONAL)
    packageName = serializers.CharField(
        max_length=SHORT,
        help_text="A pip requirement: etl==1.3, or etl @ https://.../etl-1.3-py3-none-any.whl",
        **OPTIONAL,
    )
    entryPoint = serializers.CharField(
        max_length=SHORT,
        help_text="With packageName: module:function or a console script; with sourceConfig: a .py or .sql file",
        **OPTIONAL,
    )
    parameters = serializers.ListField(child=serializers.CharField(max_length=SHORT), max_length=200, **OPTIONAL)
    namedParameters = serializers.DictField(
        child=serializers.CharField(max_length=SHORT, allow_blank=True),
        help_text="Environment variables of the program",
        **OPTIONAL,
    )


class EbsConfigSerializer(serializers.Serializer):
    volumeType = serializers.CharField(max_length=16, help_text="gp2, gp3, io1, io2, st1 or sc1", **OPTIONAL)
    volumeSize = serializers.IntegerField(min_value=1, max_value=65536, help_text="GiB", **OPTIONAL)
    iops = serializers.IntegerField(min_value=0, max_value=1_000_000, **OPTIONAL)
    throughput = serializers.IntegerField(min_value=0, max_value=100_000, help_text="MiB/s", **OPTIONAL)
    deleteOnTermination = serializers.BooleanField(**OPTIONAL)


class DriverSerializer(serializers.Serializer):
    instanceType = serializers.CharField(max_length=64, **OPTIONAL)
    ebsConfig = EbsConfigSerializer(**OPTIONAL)


class WorkerSerializer(serializers.Serializer):
    instanceType = serializers.CharField(max_length=64, **OPTIONAL)
    ebsConfig = EbsConfigSerializer(**OPTIONAL)
    maxNodes = serializers.IntegerField(min_value=0, max_value=10_000, **OPTIONAL)
    capacityType = serializers.CharField(max_length=16, help_text="on-demand or spot", **OPTIONAL)


class ComputeSerializer(serializers.Serializer):
    driver = DriverSerializer(**OPTIONAL)
    worker = WorkerSerializer(**OPTIONAL)


class PypiLibrarySerializer(serializers.Serializer):
    package = serializers.CharField(max_length=SHORT, **OPTIONAL)
    repo = serializers.CharField(max_length=SHORT, **OPTIONAL)


class RequirementsLibrarySerializer(serializers.Serializer):
    source = serializers.CharField(max_length=TEXT, **OPTIONAL)
    uri = serializers.CharField(max_length=SHORT, **OPTIONAL)


class LibrarySerializer(serializers.Serializer):
    pypi = PypiLibrarySerializer(**OPTIONAL)
    requirements = RequirementsLibrarySerializer(**OPTIONAL)
    whl = serializers.CharField(max_length=SHORT, **OPTIONAL)


class LakesailConfigSerializer(serializers.Serializer):
    """Declared settings, plus extra properties: Sail configuration keys (`sql.shuffle.partitions`) and their values."""

    executionMode = serializers.CharField(max_length=32, help_text="standalone (local) or cluster", **OPTIONAL)
    maxRetries = serializers.IntegerField(min_value=0, max_value=1000, **OPTIONAL)
    lakesailImageUri = serializers.CharField(max_length=SHORT, **OPTIONAL)
    libraries = LibrarySerializer(many=True, **OPTIONAL)

    def to_internal_value(self, data: Any) -> Any:
        declared = super().to_internal_value(data)
        extras = {key: value for key, value in data.items() if key not in self.fields}
        bad = {
            key: "A text, number or boolean value."
            for key, value in extras.items()
            if not isinstance(value, str | int | float | bool) or (isinstance(value, str) and len(value) > SHORT)
        }
        if bad:
            raise serializers.ValidationError(bad)
        return {**declared, **extras}


class JobConfigSerializer(serializers.Serializer):
    sql = SqlConfigSerializer(**OPTIONAL)
    python = PythonConfigSerializer(**OPTIONAL)
    compute = ComputeSerializer(**OPTIONAL)
    lakesail = LakesailConfigSerializer(**OPTIONAL)


class ReferenceSerializer(serializers.Serializer):
    type = serializers.CharField(max_length=16, help_text="branch, tag or commit", **OPTIONAL)
    value = serializers.CharField(max_length=SHORT, help_text="main, v1.2.0 or a commit id", **OPTIONAL)


class SourceConfigSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=SHORT, help_text="The repository's http(s) URL", **OPTIONAL)
    provider = serializers.CharField(max_length=16, help_text="github, gitlab, bitbucket or git", **OPTIONAL)
    reference = ReferenceSerializer(**OPTIONAL)
    snapshotCommit = serializers.CharField(
        max_length=40, help_text="Read-only: the commit publishing pinned (null in drafts)", **OPTIONAL
    )


class DependencySerializer(serializers.Serializer):
    jobKey = serializers.CharField(max_length=63)


class CatalogConfigSerializer(serializers.Serializer):
    """Every provider's options; a catalog shows its provider's (null when unset) and `initialDatabase*`."""

    initialDatabase = serializers.CharField(max_length=2000, help_text="All providers", **OPTIONAL)
    initialDatabaseComment = serializers.CharField(max_length=2000, help_text="memory", **OPTIONAL)
    region = serializers.CharField(max_length=2000, help_text="glue", **OPTIONAL)
    endpointUrl = serializers.CharField(max_length=2000, help_text="glue", **OPTIONAL)
    uri = serializers.CharField(max_length=2000, help_text="iceberg-rest (required), unity", **OPTIONAL)
    warehouse = serializers.CharField(max_length=2000, help_text="iceberg-rest", **OPTIONAL)
    prefix = serializers.CharField(max_length=2000, help_text="iceberg-rest", **OPTIONAL)
    defaultCatalog = serializers.CharField(max_length=2000, help_text="unity", **OPTIONAL)
    url = serializers.CharField(max_length=2000, help_text="onelake (required): workspace/item.type", **OPTIONAL)
    api = serializers.CharField(max_length=2000, help_text="onelake: iceberg or delta", **OPTIONAL)
    uris = serializers.ListField(
        child=serializers.CharField(max_length=2000), max_length=20, help_text="hms (required)", **OPTIONAL
    )


class CatalogConfigWriteSerializer(CatalogConfigSerializer):
    oauthAccessToken = serializers.CharField(max_length=2000, help_text="iceberg-rest; write-only", **OPTIONAL)
    bearerAccessToken = serializers.CharField(max_length=2000, help_text="iceberg-rest; write-only", **OPTIONAL)
    token = serializers.CharField(max_length=2000, help_text="unity; write-only", **OPTIONAL)
    bearerToken = serializers.CharField(max_length=2000, help_text="onelake; write-only", **OPTIONAL)


class CatalogConfigOutSerializer(CatalogConfigSerializer):
    oauthAccessTokenConfigured = serializers.BooleanField(required=False)
    bearerAccessTokenConfigured = serializers.BooleanField(required=False)
    tokenConfigured = serializers.BooleanField(required=False)
    bearerTokenConfigured = serializers.BooleanField(required=False)


Shape = tuple[tuple[str, Any], ...]


@cache
def _shape(serializer_class: type[serializers.Serializer]) -> Shape:
    """Per declared field: None, ("one", shape) for an object, ("many", shape) for a list of objects."""
    shape: list[tuple[str, Any]] = []
    for name, field in serializer_class().fields.items():
        if isinstance(field, serializers.ListSerializer):
            shape.append((name, ("many", _shape(type(field.child)))))
        elif isinstance(field, serializers.Serializer):
            shape.append((name, ("one", _shape(type(field)))))
        else:
            shape.append((name, None))
    return tuple(shape)


def _fill(shape: Shape, value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    out = dict(value)
    for name, nested in shape:
        item = value.get(name)
        if nested is None or item is None:
            out[name] = item
        elif nested[0] == "many":
            out[name] = [_fill(nested[1], each) for each in item] if isinstance(item, list) else item
        else:
            out[name] = _fill(nested[1], item)
    return out


def filled(serializer_class: type[serializers.Serializer], value: Any) -> Any:
    """`value` with every declared key (null when missing), nested objects and lists of objects filled too."""
    return _fill(_shape(serializer_class), value)


def documented(serializer_class: type[serializers.Serializer]) -> type[serializers.JSONField]:
    """A JSON field shown in the schema as `serializer_class`, written out `filled`."""

    @extend_schema_field(serializer_class(allow_null=True))
    class Field(serializers.JSONField):
        def to_representation(self, value: Any) -> Any:
            return filled(serializer_class, value)

    Field.__name__ = serializer_class.__name__.replace("Serializer", "Field")
    return Field


JobConfigField = documented(JobConfigSerializer)
SourceConfigField = documented(SourceConfigSerializer)
