from django.contrib import admin

from apps.notifications.models import Channel, Notification, ResourceState, Rule, RuleChannel, RuleSetVersion

AUDIT_FIELDS = ["id", "created_at", "created_by", "updated_at", "updated_by"]


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "type", "organization", "team_id", "member_id", "status", "verified_at", "deleted_at"]
    list_filter = ["type", "status"]
    search_fields = ["id", "name", "organization__name"]
    # The secrets (webhook URL and signing secret, header values, Slack URL, routing key) are never shown or
    # edited here: the API writes them.
    exclude = ["secrets"]
    readonly_fields = [*AUDIT_FIELDS, "secrets_set", "consecutive_failures", "verified_at", "deleted_at"]

    @admin.display(description="Secrets")
    def secrets_set(self, channel: Channel) -> str:
        return "•••••••• (set)" if channel.secrets else "(none)"


class RuleChannelInline(admin.TabularInline):
    model = RuleChannel
    extra = 0
    raw_id_fields = ["channel"]


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "organization", "resource_type", "scope_type", "delivery_mode", "enabled"]
    list_filter = ["resource_type", "scope_type", "delivery_mode", "enabled"]
    search_fields = ["id", "name", "organization__name"]
    readonly_fields = AUDIT_FIELDS
    inlines = [RuleChannelInline]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The delivery log: read-only (redeliver through the API or the console, which record who asked)."""

    list_display = ["id", "kind", "event_type", "channel", "status", "attempts", "created_at", "delivered_at"]
    list_filter = ["status", "kind", "event_type"]
    search_fields = ["id", "event_id", "channel__name", "target_summary"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ResourceState)
class ResourceStateAdmin(admin.ModelAdmin):
    list_display = ["resource_type", "resource_id", "state", "occurred_at", "organization"]
    list_filter = ["resource_type", "state"]
    search_fields = ["resource_id", "event_id"]
    readonly_fields = [f.name for f in ResourceState._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(RuleSetVersion)
class RuleSetVersionAdmin(admin.ModelAdmin):
    """Read-only: the services replace the token with every rule or channel change."""

    list_display = ["organization", "token"]
    readonly_fields = ["organization", "token"]

    def has_add_permission(self, request) -> bool:
        return False
