from django.contrib import admin

from apps.infra.models import SailProcess


@admin.register(SailProcess)
class SailProcessAdmin(admin.ModelAdmin):
    list_display = ["id", "purpose", "status", "host", "port", "pid", "run_id", "cluster_id", "started_at"]
    list_filter = ["status", "lifetime"]
    search_fields = ["id", "run_id", "cluster_id", "purpose"]
    readonly_fields = [f.name for f in SailProcess._meta.fields]
