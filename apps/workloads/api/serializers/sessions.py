"""Wire shapes of sessions, their compute instances (`workloads` of the list's `included`) and proxy tokens."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.serializers import AuditedSerializer
from apps.identity.api.serializers.users import ServiceAccountSerializer
from apps.org.api.serializers.entities import MemberSerializer
from apps.workloads.api.serializers.compute_configs import ComputeConfigSerializer
from apps.workloads.api.serializers.configs import OPTIONAL
from apps.workloads.models import EndpointType, InfraStatus, SessionStatus, ShutdownPolicy, TerminationReason


@extend_schema_field(OpenApiTypes.STR)
class _Optional(serializers.Field):
    """Text stored as "" when unset, written out as null."""

    def to_representation(self, value: Any) -> Any:
        return value or None


class SessionTimeoutsSerializer(serializers.Serializer):
    idleTimeoutSeconds = serializers.IntegerField(help_text="Without a call this long: idle", **OPTIONAL)
    idleCloseDelaySeconds = serializers.IntegerField(help_text="Idle this long: closed", **OPTIONAL)
    maxDurationSeconds = serializers.IntegerField(help_text="Closed this long after creation", **OPTIONAL)


class ConnectionInfoSerializer(serializers.Serializer):
    proxyAuthUrl = serializers.CharField(allow_null=True, help_text="HTTP endpoints only (null for spark_connect)")
    grpcEndpoint = serializers.CharField(allow_null=True, help_text="host:port of the session proxy")


class SessionSerializer(serializers.Serializer):
    id = serializers.CharField()
    endpointType = serializers.ChoiceField(choices=EndpointType.choices, source="endpoint_type")
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=SessionStatus.choices)
    workloadId = serializers.CharField(source="compute_instance_id", allow_null=True)
    teamId = serializers.CharField(source="team_id")
    memberId = serializers.CharField(source="member_id", allow_null=True)
    serviceAccountId = serializers.CharField(source="service_account_id", allow_null=True)
    notebookId = _Optional(source="notebook_id")
    terminationReason = _Optional(
        source="termination_reason", help_text=", ".join(TerminationReason.values) + "; null while open"
    )
    statusMessage = serializers.CharField(source="status_message")
    connectionInfo = ConnectionInfoSerializer(
        source="connection_info", allow_null=True, help_text="For the owner and org admins, while the session is open"
    )
    lastActivityAt = serializers.DateTimeField(source="last_activity_at", allow_null=True)
    idleSince = serializers.DateTimeField(source="idle_since", allow_null=True)
    closedAt = serializers.DateTimeField(source="closed_at", allow_null=True)
    timeoutAt = serializers.DateTimeField(source="timeout_at")
    config = SessionTimeoutsSerializer()
    metadata = serializers.DictField(child=serializers.CharField())
    createdAt = serializers.DateTimeField(source="created_at")
    updatedAt = serializers.DateTimeField(source="updated_at")


class SessionItemSerializer(serializers.Serializer):
    id = serializers.CharField()
    computeInstanceId = serializers.CharField(source="compute_instance_id", allow_null=True)
    memberId = serializers.CharField(source="member_id", allow_null=True)
    serviceAccountId = serializers.CharField(source="service_account_id", allow_null=True)


class ComputeInstanceSerializer(AuditedSerializer):
    id = serializers.CharField()
    workloadConfigId = serializers.CharField(source="compute_config_id")
    infraStatus = serializers.ChoiceField(choices=InfraStatus.choices, source="infra_status")
    shutdownPolicy = serializers.ChoiceField(choices=ShutdownPolicy.choices, source="shutdown_policy")
    endpoints = serializers.DictField(child=serializers.CharField(), help_text="Where clients reach it, by type")
    provisionedAt = serializers.DateTimeField(source="provisioned_at", allow_null=True)
    cleanedAt = serializers.DateTimeField(source="cleaned_at", allow_null=True)
    lastActivityAt = serializers.DateTimeField(source="last_activity_at", allow_null=True)
    statusMessage = serializers.CharField(source="status_message")


class SessionIncludedSerializer(serializers.Serializer):
    sessions = SessionSerializer(many=True)
    members = MemberSerializer(many=True)
    serviceAccounts = ServiceAccountSerializer(many=True)
    workloads = ComputeInstanceSerializer(many=True)
    workloadConfigs = ComputeConfigSerializer(many=True)


class SessionListSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    items = SessionItemSerializer(many=True)
    included = SessionIncludedSerializer()
    marker = serializers.CharField(required=False)


class SessionCreateSerializer(serializers.Serializer):
    endpointType = serializers.ChoiceField(
        choices=EndpointType.choices, error_messages={"invalid_choice": f"One of: {', '.join(EndpointType.values)}."}
    )
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    teamId = serializers.CharField(max_length=20, help_text="Uses the team's default config", **OPTIONAL)
    memberId = serializers.CharField(max_length=20, help_text="Yourself, or left out", **OPTIONAL)
    serviceAccountId = serializers.CharField(max_length=20, help_text="Yourself, or left out", **OPTIONAL)
    notebookId = serializers.CharField(max_length=20, **OPTIONAL)
    config = SessionTimeoutsSerializer(**OPTIONAL)
    metadata = serializers.DictField(child=serializers.CharField(max_length=1000), **OPTIONAL)
    workloadConfigId = serializers.CharField(max_length=20, **OPTIONAL)
    allowShared = serializers.BooleanField(default=False, help_text="May share a compatible running server")


class TokenRequestSerializer(serializers.Serializer):
    durationSeconds = serializers.IntegerField(help_text="Default 3600; at most 43200", **OPTIONAL)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Authorization: Bearer <token> on the session proxy")
    expiresAt = serializers.DateTimeField()
