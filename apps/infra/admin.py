from django.contrib import admin

from apps.infra.models import (
    Cluster,
    ClusterMetricSample,
    ClusterTeam,
    Connection,
    Network,
    ProvisionedCluster,
    SailProcess,
)

AUDIT_FIELDS = ["id", "created_at", "created_by", "updated_at", "updated_by"]


@admin.register(SailProcess)
class SailProcessAdmin(admin.ModelAdmin):
    list_display = ["id", "purpose", "status", "host", "port", "pid", "run_id", "cluster_id", "started_at"]
    list_filter = ["status", "lifetime"]
    search_fields = ["id", "run_id", "cluster_id", "purpose"]
    readonly_fields = [f.name for f in SailProcess._meta.fields]


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "organization", "provider", "status", "last_used_at", "created_at"]
    list_filter = ["provider", "status"]
    search_fields = ["id", "name", "organization__name"]
    # The external id is a secret: never shown, never edited here (the services generate it).
    exclude = ["external_id"]
    readonly_fields = [*AUDIT_FIELDS, "external_id_set", "last_operation", "template_state"]

    @admin.display(description="External id")
    def external_id_set(self, connection: Connection) -> str:
        return "•••••••• (set)" if connection.external_id else "(not set)"


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "connection", "region", "status", "provider_network_id", "created_at"]
    list_filter = ["status", "connection__provider"]
    search_fields = ["id", "name", "provider_network_id", "connection__name"]
    readonly_fields = [*AUDIT_FIELDS, "iac_state", "iac_outputs", "last_operation"]


class ClusterTeamInline(admin.TabularInline):
    model = ClusterTeam
    extra = 0
    fields = ["team", "created_at", "created_by"]
    readonly_fields = ["created_at", "created_by"]


@admin.register(ProvisionedCluster)
class ProvisionedClusterAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "connection", "network", "status", "last_health_status", "last_health_check_at"]
    list_filter = ["status", "last_health_status", "connection__provider"]
    search_fields = ["id", "name", "connection__name", "network__name"]
    readonly_fields = [*AUDIT_FIELDS, "iac_state", "iac_outputs", "provider_metadata", "last_operation"]
    inlines = [ClusterTeamInline]


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "provisioned_cluster", "region", "connection", "network", "created_at"]
    search_fields = ["id", "name", "provisioned_cluster__id"]
    readonly_fields = [f.name for f in Cluster._meta.fields]


@admin.register(ClusterMetricSample)
class ClusterMetricSampleAdmin(admin.ModelAdmin):
    list_display = ["cluster", "at", "cpu_percent", "memory_mib", "active_runs"]
    list_filter = ["cluster"]
    search_fields = ["cluster__id", "cluster__name"]
    readonly_fields = [f.name for f in ClusterMetricSample._meta.fields]
