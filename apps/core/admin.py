from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.core.audit import AuditEvent
from apps.core.events import EventDelivery, OutboxEvent
from apps.core.operations import Operation


@admin.register(Operation)
class OperationAdmin(admin.ModelAdmin):
    list_display = ["id", "operation", "status", "organization", "created_at", "completed_at"]
    list_filter = ["status", "operation"]
    search_fields = ["id", "resource_id"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what happened: looked at, never edited by hand."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventDeliveryInline(admin.TabularInline):
    model = EventDelivery
    fields = readonly_fields = ("subscriber", "status", "attempts", "last_error", "next_attempt_at", "delivered_at")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "event_type", "resource_type", "resource_id", "organization_id", "occurred_at", "settled_at"]
    list_filter = ["event_type", ("settled_at", admin.EmptyFieldListFilter)]
    search_fields = ["id", "event_type", "resource_id", "organization_id"]
    date_hierarchy = "occurred_at"
    inlines = [EventDeliveryInline]


@admin.register(EventDelivery)
class EventDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["id", "subscriber", "event", "status", "attempts", "next_attempt_at", "delivered_at"]
    list_filter = ["status", "subscriber"]
    search_fields = ["id", "subscriber", "event__id", "event__event_type", "last_error"]
    list_select_related = ["event"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "outcome", "actor_type", "actor_id", "target_type", "target_id", "ip"]
    list_filter = ["outcome", "actor_type", "target_type"]
    search_fields = ["id", "action", "actor_id", "target_id", "organization__id", "request_id", "ip"]
    date_hierarchy = "created_at"
