"""Wire shapes of the infra entities, spelled as the reference spells them."""

from rest_framework import serializers

from apps.core.api.serializers import AuditedSerializer
from apps.infra.api.serializers.configs import (
    ClusterConfigField,
    IacStateField,
    NetworkConfigField,
    ProviderConfigField,
    ProviderMetadataField,
)
from apps.infra.models import ConnectionStatus, HealthStatus, ProviderKey, ResourceStatus


class ConnectionSerializer(AuditedSerializer):
    id = serializers.CharField()
    name = serializers.CharField()
    provider = serializers.ChoiceField(choices=ProviderKey.choices)
    providerConfig = ProviderConfigField(source="provider_config")
    status = serializers.ChoiceField(choices=ConnectionStatus.choices)
    statusMessage = serializers.CharField(source="status_message")
    lastUsedAt = serializers.DateTimeField(source="last_used_at", allow_null=True)
    templateSyncedAt = serializers.DateTimeField(source="template_synced_at", allow_null=True)
    templateSyncMessage = serializers.CharField(source="template_sync_message")


class NetworkSerializer(AuditedSerializer):
    id = serializers.CharField()
    connectionId = serializers.CharField(source="connection_id")
    name = serializers.CharField()
    region = serializers.CharField()
    providerNetworkId = serializers.CharField(source="provider_network_id")
    config = NetworkConfigField()
    iacState = IacStateField(source="iac_state")
    iacOutputs = serializers.DictField(source="iac_outputs")
    status = serializers.ChoiceField(choices=ResourceStatus.choices)
    statusMessage = serializers.CharField(source="status_message")


class ProvisionedClusterSerializer(AuditedSerializer):
    """The reference's provisioned ("external") cluster."""

    id = serializers.CharField()
    connectionId = serializers.CharField(source="connection_id")
    networkId = serializers.CharField(source="network_id")
    clusterId = serializers.CharField(source="linked_cluster_id", allow_null=True, help_text="Set once provisioned")
    name = serializers.CharField()
    region = serializers.CharField()
    status = serializers.ChoiceField(choices=ResourceStatus.choices)
    statusMessage = serializers.CharField(source="status_message")
    config = ClusterConfigField()
    providerMetadata = ProviderMetadataField(source="provider_metadata")
    iacState = IacStateField(source="iac_state")
    iacOutputs = serializers.DictField(source="iac_outputs")
    jobRunnerRoleArn = serializers.CharField(source="job_runner_role_arn")
    lastHealthStatus = serializers.ChoiceField(choices=HealthStatus.choices, source="last_health_status")
    lastHealthMessage = serializers.CharField(source="last_health_message")
    lastHealthCheckAt = serializers.DateTimeField(source="last_health_check_at", allow_null=True)


class ClusterSerializer(AuditedSerializer):
    """The job-facing cluster: what jobs and sessions name."""

    id = serializers.CharField()
    name = serializers.CharField()
    externalClusterId = serializers.CharField(source="provisioned_cluster_id")
    region = serializers.CharField()
    connectionId = serializers.CharField(source="connection_id")
    networkId = serializers.CharField(source="network_id")
    externalStatus = serializers.ChoiceField(choices=ResourceStatus.choices, source="provisioned_cluster.status")
    operationId = serializers.CharField(source="provisioned_cluster.last_operation_id", allow_null=True)


class ClusterTeamSerializer(AuditedSerializer):
    clusterId = serializers.CharField(source="cluster_id")
    teamId = serializers.CharField(source="team_id")
