from django.contrib import admin

from apps.org.models import (
    Invitation,
    Member,
    MemberRole,
    Organization,
    PermissionBundle,
    Policy,
    Role,
    RoleMemberCount,
    Team,
    TeamMember,
    TeamMemberCount,
    TeamMemberRole,
    TeamRole,
    TeamRoleMemberCount,
)


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


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    fields = ["member", "is_automatic"]
    raw_id_fields = ["member"]


class TeamMemberRoleInline(admin.TabularInline):
    model = TeamMemberRole
    extra = 0
    fields = ["team_role"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "default_role", "created_at"]
    list_select_related = ["organization", "default_role"]
    search_fields = ["name", "id", "organization__name"]
    readonly_fields = ["id", "created_at", "created_by", "updated_at", "updated_by"]
    inlines = [TeamMemberInline]


@admin.register(TeamMember)
class TeamMemberAdmin(admin.ModelAdmin):
    list_display = ["member", "team", "is_automatic", "created_at"]
    list_select_related = ["member", "team"]
    list_filter = ["is_automatic"]
    search_fields = ["member__email", "team__name"]
    raw_id_fields = ["member", "team"]
    inlines = [TeamMemberRoleInline]


@admin.register(TeamRole)
class TeamRoleAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "organization"]
    list_select_related = ["organization"]
    search_fields = ["name", "key"]


@admin.register(PermissionBundle)
class PermissionBundleAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "organization"]
    list_select_related = ["organization"]
    search_fields = ["name", "code"]


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["id", "organization", "principal_type", "principal_id", "created_at"]
    list_select_related = ["organization"]
    list_filter = ["principal_type"]
    search_fields = ["id", "principal_id", "organization__name"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """The invitation link's token is stored hashed and never shown."""

    list_display = ["email", "organization", "organization_role", "expires_at", "accepted_at", "created_at"]
    list_select_related = ["organization", "organization_role"]
    search_fields = ["email", "name", "organization__name"]
    exclude = ["token_hash"]
    readonly_fields = ["id", "created_at", "created_by", "invited_by_member", "accepted_at", "accepted_member"]


class MemberCountAdmin(admin.ModelAdmin):
    """The database's triggers keep the counts (`apps/org/models/member_counts.py`): shown, never written here."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TeamMemberCount)
class TeamMemberCountAdmin(MemberCountAdmin):
    list_display = ["team", "members"]
    list_select_related = ["team"]
    search_fields = ["team__id"]


@admin.register(RoleMemberCount)
class RoleMemberCountAdmin(MemberCountAdmin):
    list_display = ["role", "members"]
    list_select_related = ["role"]
    search_fields = ["role__id"]


@admin.register(TeamRoleMemberCount)
class TeamRoleMemberCountAdmin(MemberCountAdmin):
    list_display = ["team_role", "members"]
    list_select_related = ["team_role"]
    search_fields = ["team_role__id"]
