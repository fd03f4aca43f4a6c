"""Request bodies of the workloads endpoints: shapes only. Services check values after the permission check, so a
caller without the permission gets its 403 whatever it sent."""

from typing import Any

from rest_framework import serializers

from apps.workloads.api.serializers.configs import (
    OPTIONAL,
    TEXT,
    CatalogConfigWriteSerializer,
    DependencySerializer,
    JobConfigSerializer,
    SourceConfigSerializer,
)
from apps.workloads.models.choices import CatalogProvider


def team_ids(**kwargs: Any) -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(max_length=20), max_length=50, **kwargs)


class CatalogCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    provider = serializers.ChoiceField(
        choices=CatalogProvider.choices,
        error_messages={"invalid_choice": f"One of: {', '.join(CatalogProvider.values)}."},
    )
    configWrite = CatalogConfigWriteSerializer(required=False)
    teamIds = team_ids(required=False)


class CatalogUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    configWrite = CatalogConfigWriteSerializer(
        required=False, help_text="A merge patch: options sent as null are unset, options left out are kept."
    )


class QueryFieldsSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    catalog_schema = serializers.CharField(max_length=200, required=False, allow_blank=True)
    catalogId = serializers.CharField(max_length=20, required=False, allow_null=True, allow_blank=True)
    queryText = serializers.CharField(max_length=TEXT, required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), max_length=20, required=False)


class QueryCreateSerializer(QueryFieldsSerializer):
    name = serializers.CharField(max_length=200)
    queryText = serializers.CharField(max_length=TEXT)
    teamIds = team_ids(required=False)


class VersionFieldsSerializer(serializers.Serializer):
    """What a version runs. In a draft or a new version: `config` and `sourceConfig` are merge patches over the
    version it is based on (null removes a key); other fields replace, null resets them."""

    clusterId = serializers.CharField(max_length=20, **OPTIONAL)
    description = serializers.CharField(max_length=2000, allow_blank=True, **OPTIONAL)
    config = JobConfigSerializer(**OPTIONAL)
    timeoutSeconds = serializers.IntegerField(min_value=0, max_value=10**9, **OPTIONAL)
    sourceConfig = SourceConfigSerializer(**OPTIONAL)
    dependsOn = DependencySerializer(many=True, max_length=50, **OPTIONAL)
    cronExpression = serializers.CharField(
        max_length=120, allow_blank=True, help_text="Five cron fields or a @nickname; empty or null: none", **OPTIONAL
    )
    cronTimezone = serializers.CharField(max_length=64, help_text="IANA name; default UTC", **OPTIONAL)
    concurrencyPolicy = serializers.CharField(max_length=16, help_text="skip, queue or replace", **OPTIONAL)
    maxConcurrentRuns = serializers.IntegerField(min_value=0, max_value=10**6, **OPTIONAL)
    missedSchedulePolicy = serializers.CharField(max_length=16, help_text="latest, skip or all", **OPTIONAL)

    def validate_cronExpression(self, value: str | None) -> str | None:
        return value.strip() if value and value.strip() else None

    def validate_sourceConfig(self, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None:
            value.pop("snapshotCommit", None)  # read-only: publishing pins it
        return value


class JobCreateSerializer(VersionFieldsSerializer):
    jobKey = serializers.CharField(max_length=63)
    status = serializers.CharField(max_length=16, required=False, help_text="active (default) or paused")
    teamIds = team_ids()


class JobUpdateSerializer(serializers.Serializer):
    jobKey = serializers.CharField(max_length=63, required=False)
    status = serializers.CharField(max_length=16, required=False, help_text="active or paused")
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    version = serializers.IntegerField(
        min_value=0,
        max_value=10**9,
        required=False,
        help_text="The latest version you saw: 409 if a newer one was published since",
    )


class ActivateVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0, max_value=10**9)


class SchedulePreviewSerializer(serializers.Serializer):
    cronExpression = serializers.CharField(max_length=120)
    cronTimezone = serializers.CharField(max_length=64, required=False, default="UTC")
    count = serializers.IntegerField(min_value=1, max_value=100, required=False, default=5)
    after = serializers.DateTimeField(required=False, help_text="Default: now")


class QueryValidateSerializer(serializers.Serializer):
    queryText = serializers.CharField(max_length=TEXT)
    catalogId = serializers.CharField(max_length=20, required=False, allow_null=True, allow_blank=True)
    catalog_schema = serializers.CharField(max_length=200, required=False, allow_blank=True)
