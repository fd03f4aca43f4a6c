"""Job runs, their timelines, logs, results, backfills and costs on the wire.

The reference's run fields first, then the designed ones (`pendingReason`, `scheduledFor`, `estimatedCost`, ...).
An empty text column (no pending reason, no backfill, no output) is `null` on the wire.
"""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.serializers import AuditedSerializer
from apps.workloads.models import JobRunStatus, PendingReason, RunCleanupMode, RunTrigger


@extend_schema_field(OpenApiTypes.STR)
class BlankAsNull(serializers.Field):
    """A text column whose empty value means "none": `null` on the wire."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value: Any) -> str | None:
        return str(value) if value else None


def _keyword_field(serializer: type[serializers.Serializer], name: str, field: serializers.Field) -> None:
    """Declare `name` (a Python keyword such as `from`) just before the serializer's `to`."""
    declared = {}
    for key, value in serializer._declared_fields.items():
        if key == "to":
            declared[name] = field
        declared[key] = value
    serializer._declared_fields = declared


class PendingDetailSerializer(serializers.Serializer):
    """The keys `run_admission.blocked` writes for each pending reason (docs/runs.md); the others are absent."""

    jobKey = serializers.CharField(required=False, help_text="waiting_for_dependency: the upstream job")
    jobId = serializers.CharField(required=False, help_text="waiting_for_dependency: the upstream job, if it exists")
    runId = serializers.CharField(
        required=False, allow_null=True, help_text="waiting_for_dependency: the upstream run; null before it has one"
    )
    maxConcurrentRuns = serializers.IntegerField(required=False, help_text="concurrency_limit: the job's limit")
    backfillId = serializers.CharField(required=False, help_text="concurrency_limit: the run's backfill")
    maxConcurrent = serializers.IntegerField(required=False, help_text="concurrency_limit: the backfill's limit")
    clusterId = serializers.CharField(
        required=False, allow_null=True, help_text="cluster_unavailable, cluster_capacity: the job's cluster"
    )
    slots = serializers.IntegerField(required=False, help_text="cluster_capacity: the cluster's run slots")
    until = serializers.DateTimeField(required=False, help_text="retry_backoff: when the retry may start")


@extend_schema_field(PendingDetailSerializer)
class PendingDetailField(serializers.JSONField):
    """`pending_detail` as stored (only the keys its reason has), described by `PendingDetailSerializer`."""


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "number"}]})
class ParameterValueField(serializers.Field):
    """A run's parameter: a string, or a number the run gets as its text (arguments and environment are text)."""

    default_error_messages = {"invalid": "A string or a number."}

    def to_internal_value(self, data: Any) -> str | int | float:
        # bool is an int to Python, not a number to JSON.
        if isinstance(data, bool) or not isinstance(data, str | int | float):
            self.fail("invalid")
        return data

    def to_representation(self, value: Any) -> str:
        return str(value)


class RunResultsSerializer(serializers.Serializer):
    outputPath = BlankAsNull(source="output_path", help_text="Where the run wrote its result; null without one")
    rowCount = serializers.IntegerField(source="row_count", allow_null=True, help_text="Rows in the result")


class JobRunSerializer(AuditedSerializer):
    id = serializers.CharField()
    jobId = serializers.CharField(source="job_id")
    jobVersion = serializers.IntegerField(source="version_number", help_text="The published version it executes")
    status = serializers.ChoiceField(choices=JobRunStatus.choices)
    statusMessage = serializers.CharField(source="status_message")
    hold = serializers.BooleanField(help_text="Stays pending until released (`POST …/ready`)")
    resourceCleanupMode = serializers.ChoiceField(choices=RunCleanupMode.choices, source="resource_cleanup_mode")
    dispatchedAt = serializers.DateTimeField(source="dispatched_at", allow_null=True)
    finishedAt = serializers.DateTimeField(source="finished_at", allow_null=True)
    runnerStartedAt = serializers.DateTimeField(source="runner_started_at", allow_null=True)
    runnerCompletedAt = serializers.DateTimeField(source="runner_completed_at", allow_null=True)
    runnerExecutionTimeUs = serializers.IntegerField(source="runner_execution_time_us", allow_null=True)
    trigger = serializers.ChoiceField(choices=RunTrigger.choices)
    results = RunResultsSerializer(source="*")
    cleanedAt = serializers.DateTimeField(source="cleaned_at", allow_null=True)
    # Designed (not in the reference): docs/runs.md.
    pendingReason = BlankAsNull(
        source="pending_reason", help_text=f"Why a pending run waits: {', '.join(PendingReason.values)}; else null"
    )
    pendingDetail = PendingDetailField(
        source="pending_detail", help_text="What it waits for, by `pendingReason`; `{}` when it waits for nothing"
    )
    scheduledFor = serializers.DateTimeField(
        source="scheduled_for", allow_null=True, help_text="The cron slot of a scheduled or backfilled run"
    )
    attempt = serializers.IntegerField(help_text="1, plus one per retry")
    retryable = serializers.BooleanField(help_text="A failure worth retrying (its worker or Sail server was lost)")
    cancelRequestedAt = serializers.DateTimeField(
        source="cancel_requested_at", allow_null=True, help_text="Asked to cancel while executing: ends in seconds"
    )
    parameters = serializers.ListField(
        child=serializers.CharField(), allow_null=True, help_text="Overrides of the version's python.parameters"
    )
    namedParameters = serializers.DictField(
        child=serializers.CharField(),
        source="named_parameters",
        allow_null=True,
        help_text="Merged over the version's python.namedParameters",
    )
    estimatedCost = serializers.FloatField(
        source="estimated_cost",
        allow_null=True,
        help_text="USD: the cluster's hourly price * the hours it held a run slot / the cluster's run slots",
    )
    backfillId = BlankAsNull(source="backfill_id", help_text="The backfill that created it")


class RunStatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=JobRunStatus.choices)
    message = serializers.CharField()
    at = serializers.DateTimeField()


class JobRunDescribedSerializer(JobRunSerializer):
    """A single run: its fields and its timeline."""

    statusHistory = RunStatusChangeSerializer(
        source="timeline", many=True, help_text="Each status it entered, oldest first (retries keep the history)"
    )


class JobRunListSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    items = JobRunSerializer(many=True)
    marker = serializers.CharField(required=False)


class RunLogSerializer(serializers.Serializer):
    stream = serializers.ChoiceField(choices=["stdout", "stderr", "runner", "sail"])
    offset = serializers.IntegerField(help_text="Byte offset of `data` in the log")
    nextOffset = serializers.IntegerField(source="next_offset", help_text="Ask from here for what follows")
    size = serializers.IntegerField(help_text="The log's size in bytes now")
    data = serializers.CharField(help_text="UTF-8 text, whole characters only")
    complete = serializers.BooleanField(help_text="The run ended and `data` reaches the end of the log")


class ResultColumnSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField()


class RunResultSetSerializer(serializers.Serializer):
    jobRunId = serializers.CharField(source="run_id")
    outputPath = BlankAsNull(source="output_path")
    rowCount = serializers.IntegerField(source="row_count", allow_null=True)
    columns = ResultColumnSerializer(many=True)
    rows = serializers.ListField(
        child=serializers.ListField(child=serializers.JSONField(), help_text="One JSON value per column, in order"),
        help_text="At most 100 rows, each a list of values",
    )
    truncated = serializers.BooleanField(help_text="The result has more rows than the preview")


class RunCreateSerializer(serializers.Serializer):
    jobId = serializers.CharField(required=False, help_text="Ignored: the path names the job")
    jobVersion = serializers.IntegerField(required=False, allow_null=True, help_text="Default: the current version")
    hold = serializers.BooleanField(required=False, default=False)
    resourceCleanupMode = serializers.CharField(
        required=False, default=RunCleanupMode.ALWAYS, help_text=f"One of: {', '.join(RunCleanupMode.values)}"
    )
    parameters = serializers.ListField(
        child=ParameterValueField(),
        required=False,
        allow_null=True,
        error_messages={"not_a_list": "A list of strings."},
        help_text="Replaces the version's python.parameters for this run (designed)",
    )
    namedParameters = serializers.DictField(
        child=ParameterValueField(),
        required=False,
        allow_null=True,
        error_messages={"not_a_dict": "An object of strings."},
        help_text="Merged over the version's python.namedParameters for this run (designed)",
    )


class RunRetrySerializer(serializers.Serializer):
    hold = serializers.BooleanField(required=False, default=False)


class BackfillSlotSerializer(serializers.Serializer):
    scheduledFor = serializers.DateTimeField(source="scheduled_for")
    jobRunId = serializers.CharField(source="pk")
    status = serializers.ChoiceField(choices=JobRunStatus.choices)
    backfillId = BlankAsNull(source="backfill_id", help_text="Null or another id: the slot had a run already")


class BackfillSerializer(AuditedSerializer):
    id = serializers.CharField()
    jobId = serializers.CharField(source="job_id")
    jobVersion = serializers.IntegerField(source="version_number")
    to = serializers.DateTimeField(source="range_to", help_text="The last slot at or before it is included")
    maxConcurrent = serializers.IntegerField(source="max_concurrent")
    slotCount = serializers.IntegerField(source="slot_count", help_text="Cron slots in the range")
    status = serializers.ChoiceField(
        choices=["running", "finished", "cancelled"], source="state", help_text="finished: all its runs ended"
    )
    cancelledAt = serializers.DateTimeField(source="cancelled_at", allow_null=True)
    runCounts = serializers.DictField(
        source="run_counts", child=serializers.IntegerField(), help_text="Its own runs by status"
    )
    slots = BackfillSlotSerializer(
        source="slot_runs", many=True, help_text="The run of each slot of the range, oldest slot first"
    )


_keyword_field(
    BackfillSerializer,
    "from",
    serializers.DateTimeField(source="range_from", help_text="The first slot at or after it is included"),
)


class BackfillCreateSerializer(serializers.Serializer):
    to = serializers.DateTimeField(help_text="RFC 3339; the last slot at or before it (not in the future)")
    maxConcurrent = serializers.IntegerField(required=False, default=1, help_text="1..100 of its runs at once")


_keyword_field(BackfillCreateSerializer, "from", serializers.DateTimeField(help_text="RFC 3339; the first slot"))


class JobCostSerializer(serializers.Serializer):
    jobId = serializers.CharField(source="job_id")
    to = serializers.DateTimeField(source="end")
    currency = serializers.CharField()
    estimatedCost = serializers.FloatField(source="estimated_cost", help_text="Sum of its runs' estimatedCost")
    runCount = serializers.IntegerField(source="run_count", help_text="Runs that finished in the period")
    costedRunCount = serializers.IntegerField(source="costed_run_count", help_text="Of those, runs with an estimate")
    runSeconds = serializers.FloatField(source="run_seconds", help_text="Their time holding a run slot")


_keyword_field(JobCostSerializer, "from", serializers.DateTimeField(source="start"))
