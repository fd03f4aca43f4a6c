"""Response envelopes of the workloads endpoints, for the schema (lists, normalized descriptions, tool answers)."""

from rest_framework import serializers

from apps.core.api.serializers import AuditedSerializer
from apps.org.api.serializers.entities import TeamEntrySerializer, TeamSerializer
from apps.workloads.api.serializers.entities import (
    CatalogSerializer,
    CatalogTeamSerializer,
    JobSerializer,
    JobTeamSerializer,
    JobVersionSerializer,
    QuerySerializer,
    QueryTeamSerializer,
)
from apps.workloads.api.serializers.runs import JobRunSerializer


class ExternalCatalogSerializer(AuditedSerializer):
    """A catalog provisioned in a cloud account: none exist yet (the lists carry an empty group)."""

    id = serializers.CharField()
    connectionId = serializers.CharField()
    networkId = serializers.CharField()
    name = serializers.CharField()
    region = serializers.CharField()
    config = serializers.DictField()
    iacState = serializers.DictField()
    iacOutputs = serializers.DictField()
    status = serializers.CharField()
    statusMessage = serializers.CharField()
    catalogId = serializers.CharField()


class CatalogItemSerializer(serializers.Serializer):
    catalogId = serializers.CharField()
    teamIds = serializers.ListField(child=serializers.CharField())
    externalCatalogIds = serializers.ListField(child=serializers.CharField())


class CatalogIncludedSerializer(serializers.Serializer):
    catalogs = CatalogSerializer(many=True)
    teams = TeamEntrySerializer(many=True)
    externalCatalogs = ExternalCatalogSerializer(many=True)


class CatalogListSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    items = CatalogItemSerializer(many=True)
    included = CatalogIncludedSerializer()
    marker = serializers.CharField(required=False)


class CatalogTeamListSerializer(serializers.Serializer):
    items = CatalogTeamSerializer(many=True)


class QueryItemSerializer(serializers.Serializer):
    queryId = serializers.CharField()
    teamIds = serializers.ListField(child=serializers.CharField())
    catalogId = serializers.CharField(allow_null=True)
    jobIds = serializers.ListField(child=serializers.CharField(), help_text="Jobs whose current version runs it")


class QueryIncludedSerializer(serializers.Serializer):
    queries = QuerySerializer(many=True)
    catalogs = CatalogSerializer(many=True)
    teams = TeamEntrySerializer(many=True)
    jobs = JobSerializer(many=True)


class QueryListSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    items = QueryItemSerializer(many=True)
    included = QueryIncludedSerializer()
    marker = serializers.CharField(required=False)


class QueryDescribeSerializer(serializers.Serializer):
    item = QueryItemSerializer()
    included = QueryIncludedSerializer()


class QueryTeamListSerializer(serializers.Serializer):
    items = QueryTeamSerializer(many=True)


class TeamEntryListSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    items = TeamEntrySerializer(many=True)


class JobItemSerializer(serializers.Serializer):
    jobId = serializers.CharField()
    latestJobRunId = serializers.CharField(allow_null=True, help_text="Null until the job has run")
    teamIds = serializers.ListField(child=serializers.CharField())


class JobIncludedSerializer(serializers.Serializer):
    jobs = JobSerializer(many=True)
    jobRuns = JobRunSerializer(many=True, help_text="The latest run of each job")
    teams = TeamSerializer(many=True)
    jobVersions = JobVersionSerializer(many=True, required=False, help_text="Describing a version: that version")


class JobListSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    items = JobItemSerializer(many=True)
    included = JobIncludedSerializer()
    marker = serializers.CharField(required=False)


class JobDescribeSerializer(serializers.Serializer):
    item = JobItemSerializer()
    included = JobIncludedSerializer()


class JobTeamListSerializer(serializers.Serializer):
    items = JobTeamSerializer(many=True)


class JobVersionListSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    items = JobVersionSerializer(many=True)


class VersionRefSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    status = serializers.CharField()


class ChangeSerializer(serializers.Serializer):
    path = serializers.CharField(help_text="Wire path of the value, e.g. config.sql.source")
    change = serializers.ChoiceField(choices=["added", "removed", "changed"], source="kind")
    before = serializers.JSONField(help_text="The value at `path` before (any JSON value); null when it was added")
    after = serializers.JSONField(help_text="The value at `path` after (any JSON value); null when it was removed")
    lines = serializers.ListField(
        child=serializers.CharField(), allow_null=True, help_text="Multi-line text: a unified diff of its lines"
    )


class VersionDiffSerializer(serializers.Serializer):
    base = VersionRefSerializer()
    target = VersionRefSerializer()
    changes = ChangeSerializer(many=True)


class FireTimeSerializer(serializers.Serializer):
    local = serializers.CharField(help_text="RFC 3339 in the schedule's time zone, with its UTC offset")
    utc = serializers.DateTimeField()
    dstSkipped = serializers.BooleanField(
        source="dst_skipped", help_text="A wall time the schedule names vanished (clocks went forward) before this"
    )
    dstRepeated = serializers.BooleanField(
        source="dst_repeated", help_text="This wall time happens twice on this day (clocks went back)"
    )


class SchedulePreviewSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="Previewing a job: the version previewed")
    cronExpression = serializers.CharField(allow_null=True)
    cronTimezone = serializers.CharField()
    description = serializers.CharField(help_text="The expression in words")
    fireTimes = FireTimeSerializer(many=True)


class SqlProblemSerializer(serializers.Serializer):
    statementIndex = serializers.IntegerField(source="statement", allow_null=True)
    line = serializers.IntegerField()
    column = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()


class SqlStatementSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    line = serializers.IntegerField()
    column = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["valid", "invalid", "unchecked"])


class SqlValidationSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    statements = SqlStatementSerializer(many=True)
    errors = SqlProblemSerializer(many=True)
    warnings = SqlProblemSerializer(many=True)
