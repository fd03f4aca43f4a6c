"""Response envelopes of the infra endpoints, and the wire forms of what providers answer."""

from rest_framework import serializers

from apps.infra.api.serializers.configs import HealthMetadataField
from apps.infra.api.serializers.entities import (
    ClusterSerializer,
    ClusterTeamSerializer,
    ConnectionSerializer,
    NetworkSerializer,
    ProvisionedClusterSerializer,
)
from apps.infra.models import HealthStatus, ProviderKey
from apps.org.api.serializers.entities import TeamEntrySerializer
from apps.org.api.views.operations import OperationSerializer


class ConnectionIncludedSerializer(serializers.Serializer):
    operations = OperationSerializer(many=True)


class ConnectionListSerializer(serializers.Serializer):
    items = ConnectionSerializer(many=True)
    included = ConnectionIncludedSerializer()
    marker = serializers.CharField(required=False)


class NetworkItemSerializer(serializers.Serializer):
    id = serializers.CharField()
    connectionId = serializers.CharField(source="connection_id")


class NetworkIncludedSerializer(serializers.Serializer):
    networks = NetworkSerializer(many=True)
    connections = ConnectionSerializer(many=True)
    clusters = ProvisionedClusterSerializer(many=True)
    operations = OperationSerializer(many=True)


class NetworkListSerializer(serializers.Serializer):
    items = NetworkSerializer(many=True)
    included = NetworkIncludedSerializer()
    marker = serializers.CharField(required=False)


class NetworkDescribeSerializer(serializers.Serializer):
    item = NetworkItemSerializer()
    included = NetworkIncludedSerializer()


class ProvisionedClusterItemSerializer(serializers.Serializer):
    id = serializers.CharField()
    connectionId = serializers.CharField(source="connection_id")


class ProvisionedClusterIncludedSerializer(serializers.Serializer):
    clusters = ProvisionedClusterSerializer(many=True)
    connections = ConnectionSerializer(many=True)
    operations = OperationSerializer(many=True)


class ProvisionedClusterListSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    items = ProvisionedClusterItemSerializer(many=True)
    included = ProvisionedClusterIncludedSerializer()
    marker = serializers.CharField(required=False)


class ProvisionedClusterDescribeSerializer(serializers.Serializer):
    item = ProvisionedClusterItemSerializer()
    included = ProvisionedClusterIncludedSerializer()


class MyClusterItemSerializer(serializers.Serializer):
    id = serializers.CharField()
    externalClusterId = serializers.CharField(source="provisioned_cluster_id")
    connectionId = serializers.CharField(source="connection_id")


class MyClusterIncludedSerializer(serializers.Serializer):
    clusters = ClusterSerializer(many=True)
    connections = ConnectionSerializer(many=True)
    networks = NetworkSerializer(many=True)
    externalClusters = ProvisionedClusterSerializer(many=True)


class MyClusterListSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    items = MyClusterItemSerializer(many=True)
    included = MyClusterIncludedSerializer()


class MyClusterDescribeSerializer(serializers.Serializer):
    item = MyClusterItemSerializer()
    included = MyClusterIncludedSerializer()


class RegionSerializer(serializers.Serializer):
    provider = serializers.ChoiceField(choices=ProviderKey.choices)
    regionCode = serializers.CharField(source="id")
    regionName = serializers.CharField(source="name")
    group = serializers.CharField()


class RegionListSerializer(serializers.Serializer):
    items = RegionSerializer(many=True)


class InstanceTypeSerializer(serializers.Serializer):
    provider = serializers.ChoiceField(choices=ProviderKey.choices)
    instanceType = serializers.CharField(source="id")
    vCpus = serializers.IntegerField(source="vcpus")
    memoryMiB = serializers.IntegerField(source="memory_mib")
    architecture = serializers.ChoiceField(choices=["x86_64", "arm64"])
    gpuCount = serializers.IntegerField(source="gpus")
    instanceFamily = serializers.CharField(source="family")
    maxPods = serializers.IntegerField(source="max_pods")
    group = serializers.CharField()
    allocatableMilliCpu = serializers.IntegerField(source="allocatable_milli_cpu")


class CapacityMetadataSerializer(serializers.Serializer):
    provider = serializers.ChoiceField(choices=ProviderKey.choices)
    systemPodsPerNode = serializers.IntegerField()
    systemPodsPerSystemNode = serializers.IntegerField()
    systemPodsFixed = serializers.IntegerField()
    systemPodsPerNodeMargin = serializers.IntegerField()
    systemPodsFixedMargin = serializers.IntegerField()
    systemMilliCPUPerNode = serializers.IntegerField()
    systemMilliCPUFixed = serializers.IntegerField()
    karpenterMilliCPUPerReplica = serializers.IntegerField()
    karpenterReplicas = serializers.IntegerField()


class InstanceTypeListSerializer(serializers.Serializer):
    items = InstanceTypeSerializer(many=True)
    metadata = CapacityMetadataSerializer()


class ProviderNetworkSerializer(serializers.Serializer):
    provider = serializers.ChoiceField(choices=ProviderKey.choices)
    vpcId = serializers.CharField(source="id")
    cidr = serializers.CharField()
    name = serializers.CharField()
    azCount = serializers.IntegerField(source="az_count")
    state = serializers.CharField()
    tags = serializers.DictField(child=serializers.CharField())


class ProviderNetworkListSerializer(serializers.Serializer):
    items = ProviderNetworkSerializer(many=True)


class TemplateSerializer(serializers.Serializer):
    templateUrl = serializers.CharField(source="template_url")
    quickLaunchUrl = serializers.CharField(source="quick_launch_url")
    downloadUrl = serializers.CharField(source="download_url")
    parameters = serializers.DictField(child=serializers.CharField())


class NodeGroupHealthSerializer(serializers.Serializer):
    name = serializers.CharField()
    status = serializers.CharField()
    desiredSize = serializers.IntegerField()
    readyNodes = serializers.IntegerField()
    message = serializers.CharField()


class SystemPodSerializer(serializers.Serializer):
    name = serializers.CharField()
    namespace = serializers.CharField()
    ready = serializers.BooleanField()
    phase = serializers.CharField()
    restartCount = serializers.IntegerField()
    message = serializers.CharField()


class HealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=HealthStatus.choices)
    message = serializers.CharField()
    providerMetadata = HealthMetadataField()
    nodeGroups = NodeGroupHealthSerializer(many=True)
    systemPods = SystemPodSerializer(many=True)
    totalNodes = serializers.IntegerField()
    readyNodes = serializers.IntegerField()
    lastCheckedAt = serializers.DateTimeField()


class KubeconfigSerializer(serializers.Serializer):
    kubeconfig = serializers.CharField()
    clusterEndpoint = serializers.CharField(source="cluster_endpoint")
    clusterCertificateAuthority = serializers.CharField(source="cluster_certificate_authority")


class MetricPointSerializer(serializers.Serializer):
    timestamp = serializers.DateTimeField(source="at")
    value = serializers.FloatField()


class MetricsSerializer(serializers.Serializer):
    cpuUtilization = MetricPointSerializer(many=True, source="cpu", help_text="Percent of the capacity")
    memoryUtilization = MetricPointSerializer(many=True, source="memory", help_text="MiB")
    estimatedCost = MetricPointSerializer(many=True, source="cost", help_text="USD accrued in each interval")
    activeJobCount = MetricPointSerializer(many=True, source="active_runs")


class ClusterTeamPageSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    items = TeamEntrySerializer(many=True)


class ClusterTeamListSerializer(serializers.Serializer):
    items = ClusterTeamSerializer(many=True)
