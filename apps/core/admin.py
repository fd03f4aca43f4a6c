from django.contrib import admin

from apps.core.operations import Operation


@admin.register(Operation)
class OperationAdmin(admin.ModelAdmin):
    list_display = ["id", "operation", "status", "organization", "created_at", "completed_at"]
    list_filter = ["status", "operation"]
    search_fields = ["id", "resource_id"]
