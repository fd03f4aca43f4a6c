"""The infra console pages (the API's are in api/urls.py)."""

from django.urls import path

from apps.infra.views import cluster_wizard, clusters, connections, operations, overview

CONNECTION = "infra/connections/<str:connection_id>"
CLUSTER = "infra/clusters/<str:cluster_id>"

urlpatterns = [
    path("infra/", overview.overview, name="infra"),
    path("infra/connections/new", connections.connection_new, name="infra-connection-new"),
    path(f"{CONNECTION}/", connections.connection_detail, name="infra-connection"),
    path(f"{CONNECTION}/setup", connections.connection_setup, name="infra-connection-setup"),
    path(f"{CONNECTION}/template.yaml", connections.connection_template_download, name="infra-connection-template"),
    path(f"{CONNECTION}/delete", connections.connection_delete, name="infra-connection-delete"),
    path("infra/networks/<str:network_id>/destroy", connections.network_destroy, name="infra-network-destroy"),
    path("infra/networks/<str:network_id>/delete", connections.network_delete, name="infra-network-delete"),
    path("infra/clusters/new", cluster_wizard.cluster_new, name="infra-cluster-new"),
    path("infra/clusters/new/network", cluster_wizard.network_new, name="infra-cluster-new-network"),
    path("infra/clusters/new/cidr-check", cluster_wizard.cidr_check, name="infra-cidr-check"),
    path("infra/clusters/new/instance-types", cluster_wizard.instance_types, name="infra-instance-types"),
    path(f"{CLUSTER}/", clusters.cluster_detail, name="infra-cluster"),
    path(f"{CLUSTER}/review", cluster_wizard.cluster_review, name="infra-cluster-review"),
    path(f"{CLUSTER}/charts", clusters.cluster_charts_partial, name="infra-cluster-charts"),
    path(f"{CLUSTER}/health", clusters.cluster_health, name="infra-cluster-health"),
    path(f"{CLUSTER}/kubeconfig", clusters.cluster_kubeconfig, name="infra-cluster-kubeconfig"),
    path(f"{CLUSTER}/destroy", clusters.cluster_destroy, name="infra-cluster-destroy"),
    path(f"{CLUSTER}/delete", clusters.cluster_delete, name="infra-cluster-delete"),
    path("infra/operations/<str:operation_id>/", operations.operation_page, name="infra-operation"),
    path(
        "infra/operations/<str:operation_id>/progress", operations.operation_progress, name="infra-operation-progress"
    ),
]
