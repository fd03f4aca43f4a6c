from django.urls import path

from apps.infra.api.views import clusters, connections, networks

CONNECTION = "infra/connections/<str:connection>"
CLUSTER = f"{CONNECTION}/clusters/<str:cluster>"
NETWORK = f"{CONNECTION}/networks/<str:network>"

urlpatterns = [
    path("me/clusters", clusters.MyClustersView.as_view()),
    path("me/clusters/<str:cluster>", clusters.MyClusterView.as_view()),
    path("infra/clusters", clusters.ClustersView.as_view()),
    path("infra/clusters/<str:cluster>", clusters.ClusterRecordView.as_view()),
    path("infra/clusters/<str:cluster>/teams", clusters.ClusterTeamsView.as_view()),
    path("infra/clusters/<str:cluster>/teams/<str:team>", clusters.ClusterTeamView.as_view()),
    path(f"{CONNECTION}/clusters", clusters.ConnectionClustersView.as_view()),
    path(CLUSTER, clusters.ConnectionClusterView.as_view()),
    path(f"{CLUSTER}/health", clusters.ClusterHealthView.as_view()),
    path(f"{CLUSTER}/kubeconfig", clusters.ClusterKubeconfigView.as_view()),
    path(f"{CLUSTER}/metrics", clusters.ClusterMetricsView.as_view()),
    path(f"{CLUSTER}/provision", clusters.ClusterProvisionView.as_view()),
    path("infra/connections", connections.ConnectionsView.as_view()),
    path(CONNECTION, connections.ConnectionView.as_view()),
    path(f"{CONNECTION}/instance-types", connections.InstanceTypesView.as_view()),
    path(f"{CONNECTION}/regions", connections.RegionsView.as_view()),
    path(f"{CONNECTION}/sync-template", connections.SyncTemplateView.as_view()),
    path(f"{CONNECTION}/template", connections.TemplateView.as_view()),
    path(f"{CONNECTION}/template/download", connections.TemplateDownloadView.as_view()),
    path(f"{CONNECTION}/verify", connections.VerifyView.as_view()),
    path(f"{CONNECTION}/provider-networks", connections.ProviderNetworksView.as_view()),
    path("infra/networks", networks.NetworksView.as_view()),
    path("infra/networks/<str:network>", networks.NetworkRecordView.as_view()),
    path(f"{CONNECTION}/networks", networks.ConnectionNetworksView.as_view()),
    path(NETWORK, networks.ConnectionNetworkView.as_view()),
    path(f"{NETWORK}/provision", networks.NetworkProvisionView.as_view()),
]
