from django.contrib import admin

from apps.org.models import Member, MemberRole, Organization, Role


class MemberRoleInline(admin.TabularInline):
    model = MemberRole
    extra = 0
    fields = ["role"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "id", "created_at"]
    search_fields = ["name", "slug", "id"]
    readonly_fields = ["id", "created_at", "created_by", "updated_at", "updated_by"]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "organization", "is_enabled", "account_type", "last_login_at"]
    list_select_related = ["organization"]
    list_filter = ["is_enabled", "account_type"]
    search_fields = ["email", "name"]
    raw_id_fields = ["user", "organization"]
    inlines = [MemberRoleInline]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "organization", "all_teams", "break_glass"]
    list_select_related = ["organization"]
    search_fields = ["name", "key"]
