"""Wire shapes of compute configs (the reference's workload configs); `compute` and `libraries` are the jobs'."""

from rest_framework import serializers

from apps.core.api.serializers import AuditedSerializer
from apps.workloads.api.serializers.configs import OPTIONAL, SHORT, ComputeSerializer, LibrarySerializer, documented


class SailSettingsSerializer(serializers.Serializer):
    executionMode = serializers.CharField(
        max_length=32, help_text="standalone (Sail's local mode) or cluster (local-cluster on this machine)", **OPTIONAL
    )
    compute = ComputeSerializer(help_text="local: worker.maxNodes workers of worker.instanceType", **OPTIONAL)
    lakesailImageUri = serializers.CharField(max_length=SHORT, help_text="Kubernetes clusters only", **OPTIONAL)
    libraries = LibrarySerializer(many=True, help_text="Kubernetes clusters only", **OPTIONAL)
    extraEnv = serializers.DictField(
        child=serializers.CharField(max_length=SHORT, allow_blank=True),
        help_text="SAIL_* variables of the server (SAIL_EXECUTION__BATCH_SIZE: 8192), values in TOML",
        **OPTIONAL,
    )


class WorkloadConfigBodySerializer(serializers.Serializer):
    sail = SailSettingsSerializer(**OPTIONAL)


class EndpointLimitsSerializer(serializers.Serializer):
    spark_connect = serializers.IntegerField(help_text="Open sessions on this config; 0 or null: no limit", **OPTIONAL)


WorkloadConfigField = documented(WorkloadConfigBodySerializer)
EndpointLimitsField = documented(EndpointLimitsSerializer)


class ComputeConfigSerializer(AuditedSerializer):
    id = serializers.CharField()
    name = serializers.CharField()
    workloadType = serializers.CharField(source="workload_type", help_text="spark_connect or job")
    clusterId = serializers.CharField(source="cluster_id")
    teamId = serializers.CharField(source="team_id")
    config = WorkloadConfigField()
    endpointLimits = EndpointLimitsField(source="endpoint_limits")


class ComputeConfigCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    workloadType = serializers.CharField(max_length=32, help_text="spark_connect (sessions) or job")
    clusterId = serializers.CharField(max_length=20)
    teamId = serializers.CharField(max_length=20)
    config = WorkloadConfigBodySerializer(**OPTIONAL)
    endpointLimits = EndpointLimitsSerializer(**OPTIONAL)


class ComputeConfigListSerializer(serializers.Serializer):
    items = ComputeConfigSerializer(many=True)
    marker = serializers.CharField(required=False)
