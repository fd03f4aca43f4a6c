"""Wire shapes of catalogs, queries, jobs and job versions, spelled as the reference spells them."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.serializers import AuditedSerializer
from apps.workloads.api.serializers.configs import (
    CatalogConfigOutSerializer,
    CatalogConfigWriteSerializer,
    DependencySerializer,
    JobConfigField,
    SourceConfigField,
)
from apps.workloads.catalog_providers import wire_config
from apps.workloads.models import (
    CatalogProvider,
    ConcurrencyPolicy,
    JobStatus,
    JobType,
    MissedSchedulePolicy,
    VersionStatus,
)


@extend_schema_field(CatalogConfigOutSerializer)
class CatalogConfigField(serializers.Field):
    def to_representation(self, value):
        return wire_config(value)


class CatalogSerializer(AuditedSerializer):
    id = serializers.CharField()
    name = serializers.CharField()
    # A string, not an enum: the schema's enum named after `provider` is infra's (settings ENUM_NAME_OVERRIDES).
    provider = serializers.CharField(help_text=", ".join(CatalogProvider.values))
    config = CatalogConfigField(source="*")


class CatalogDescribedSerializer(CatalogSerializer):
    configWrite = serializers.SerializerMethodField(help_text="Write-only: always null in responses.")

    @extend_schema_field(CatalogConfigWriteSerializer(allow_null=True))
    def get_configWrite(self, obj) -> None:
        return None


class CatalogTeamSerializer(AuditedSerializer):
    catalogId = serializers.CharField(source="catalog_id")
    teamId = serializers.CharField(source="team_id")


class QuerySerializer(AuditedSerializer):
    id = serializers.CharField()
    memberId = serializers.CharField(source="member_id", allow_null=True)
    name = serializers.CharField()
    description = serializers.CharField()
    catalog_schema = serializers.CharField()
    catalogId = serializers.CharField(source="catalog_id", allow_null=True)
    queryText = serializers.CharField(source="query_text")
    tags = serializers.ListField(child=serializers.CharField())


class QueryTeamSerializer(AuditedSerializer):
    queryId = serializers.CharField(source="query_id")
    teamId = serializers.CharField(source="team_id")


class JobTeamSerializer(AuditedSerializer):
    jobId = serializers.CharField(source="job_id")
    teamId = serializers.CharField(source="team_id")


class JobVersionSerializer(AuditedSerializer):
    jobId = serializers.CharField(source="job_id")
    version = serializers.IntegerField(source="number")
    basedOnVersion = serializers.IntegerField(source="based_on", allow_null=True)
    status = serializers.ChoiceField(choices=VersionStatus.choices)
    jobType = serializers.ChoiceField(choices=JobType.choices, source="job_type")
    clusterId = serializers.CharField(source="cluster_id", allow_null=True)
    memberId = serializers.CharField(source="member_id", allow_null=True)
    description = serializers.CharField()
    config = JobConfigField()
    timeoutSeconds = serializers.IntegerField(source="timeout_seconds", allow_null=True)
    sourceConfig = SourceConfigField(source="source_config")
    dependsOn = DependencySerializer(source="depends_on", many=True)
    cronExpression = serializers.CharField(source="cron_expression", allow_null=True)
    cronTimezone = serializers.CharField(source="cron_timezone")
    concurrencyPolicy = serializers.ChoiceField(choices=ConcurrencyPolicy.choices, source="concurrency_policy")
    maxConcurrentRuns = serializers.IntegerField(source="max_concurrent_runs")
    missedSchedulePolicy = serializers.ChoiceField(
        choices=MissedSchedulePolicy.choices, source="missed_schedule_policy"
    )
    publishedAt = serializers.DateTimeField(source="published_at", allow_null=True)


def _current(name: str) -> str:
    return f"current_version.{name}"


class JobSerializer(AuditedSerializer):
    """A job with its current version's settings (what runs when it is started or its schedule fires); described
    at a version, with that version's settings."""

    id = serializers.CharField()
    memberId = serializers.CharField(source="member_id", allow_null=True)
    jobKey = serializers.CharField(source="job_key")
    version = serializers.IntegerField(source="latest_version", help_text="The latest published version")
    # `current_number` and `draft_number`: set on a page of jobs by `selectors.jobs.with_numbers`.
    currentVersion = serializers.IntegerField(source="current_number", allow_null=True, default=None)
    draftVersion = serializers.IntegerField(source="draft_number", allow_null=True, default=None)
    basedOnVersion = serializers.IntegerField(source=_current("based_on"), allow_null=True)
    status = serializers.ChoiceField(choices=JobStatus.choices)
    clusterId = serializers.CharField(source=_current("cluster_id"), allow_null=True)
    description = serializers.CharField()
    config = JobConfigField(source=_current("config"))
    timeoutSeconds = serializers.IntegerField(source=_current("timeout_seconds"), allow_null=True)
    sourceConfig = SourceConfigField(source=_current("source_config"))
    dependsOn = DependencySerializer(source=_current("depends_on"), many=True, allow_null=True)
    cronExpression = serializers.CharField(source=_current("cron_expression"), allow_null=True)
    cronTimezone = serializers.CharField(source=_current("cron_timezone"), allow_null=True)
    concurrencyPolicy = serializers.ChoiceField(
        choices=ConcurrencyPolicy.choices, source=_current("concurrency_policy"), allow_null=True
    )
    maxConcurrentRuns = serializers.IntegerField(source=_current("max_concurrent_runs"), allow_null=True)
    missedSchedulePolicy = serializers.ChoiceField(
        choices=MissedSchedulePolicy.choices, source=_current("missed_schedule_policy"), allow_null=True
    )
    nextRunAt = serializers.DateTimeField(source="next_run_at", allow_null=True)
    lastScheduledAt = serializers.DateTimeField(source="last_scheduled_at", allow_null=True)
