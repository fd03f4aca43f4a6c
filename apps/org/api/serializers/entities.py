"""Wire shapes of the org domain's entities, spelled as the reference spells them."""

from rest_framework import serializers

from apps.core.api.serializers import AuditedSerializer
from apps.org.api.serializers.users import UserEmailSerializer, UserSerializer


class PermissionSerializer(serializers.Serializer):
    relation = serializers.CharField()
    description = serializers.CharField()
    validObjectTypes = serializers.ListField(child=serializers.CharField(), source="valid_object_types")
    systemOnly = serializers.BooleanField(source="system_only")


class SessionLimitsSerializer(serializers.Serializer):
    idleTimeoutSeconds = serializers.IntegerField()
    idleCloseDelaySeconds = serializers.IntegerField()
    maxDurationSeconds = serializers.IntegerField()


class OrganizationSerializer(serializers.Serializer):
    id = serializers.CharField()
    slug = serializers.CharField()
    name = serializers.CharField()
    settings = serializers.DictField(help_text="The settings tree (auth.requireMfa, ...): keys by area.")
    defaultTeamId = serializers.CharField(source="default_team_id", allow_null=True)
    defaultOrgRoleId = serializers.CharField(source="default_org_role_id", allow_null=True)


class MemberSerializer(AuditedSerializer):
    id = serializers.CharField()
    organizationId = serializers.CharField(source="organization_id")
    userId = serializers.CharField(source="user_id")
    name = serializers.CharField()
    email = serializers.EmailField()
    preferences = serializers.DictField(help_text="The member's own settings, as the console stores them.")
    invitedByMemberId = serializers.CharField(source="invited_by_member_id", allow_null=True)
    inviteExpiresAt = serializers.DateTimeField(source="invite_expires_at", allow_null=True)
    inviteAcceptedAt = serializers.DateTimeField(source="invite_accepted_at", allow_null=True)
    lastLoginAt = serializers.DateTimeField(source="last_login_at", allow_null=True)
    lastActiveAt = serializers.DateTimeField(source="last_active_at", allow_null=True)
    isEnabled = serializers.BooleanField(source="is_enabled")
    accountType = serializers.ChoiceField(choices=["managed", "federated"], source="account_type")


class MemberUpdatedSerializer(MemberSerializer):
    invitationToken = serializers.CharField(allow_null=True, default=None, read_only=True)


class RoleSerializer(AuditedSerializer):
    id = serializers.CharField()
    organizationId = serializers.CharField(source="organization_id")
    name = serializers.CharField()
    description = serializers.CharField()
    allTeams = serializers.BooleanField(source="all_teams")
    breakGlass = serializers.BooleanField(source="break_glass")


class TeamRoleSerializer(AuditedSerializer):
    id = serializers.CharField()
    organizationId = serializers.CharField(source="organization_id")
    name = serializers.CharField()
    description = serializers.CharField()


class RoleEntrySerializer(serializers.Serializer):
    role = RoleSerializer(source="*")
    memberCount = serializers.IntegerField(source="member_count")
    permissionCount = serializers.IntegerField(source="permission_count")


class TeamRoleEntrySerializer(serializers.Serializer):
    role = TeamRoleSerializer(source="*")
    memberCount = serializers.IntegerField(source="member_count")
    permissionCount = serializers.IntegerField(source="permission_count")


class TeamSerializer(AuditedSerializer):
    id = serializers.CharField()
    organizationId = serializers.CharField(source="organization_id")
    name = serializers.CharField()
    defaultRoleId = serializers.CharField(source="default_role_id", allow_null=True)


class TeamEntrySerializer(serializers.Serializer):
    team = TeamSerializer(source="*")
    memberCount = serializers.IntegerField(source="member_count")


class TeamMembershipSerializer(AuditedSerializer):
    id = serializers.CharField()
    memberId = serializers.CharField(source="member_id")
    teamId = serializers.CharField(source="team_id")
    isAutomatic = serializers.BooleanField(source="is_automatic")


class BundleSerializer(AuditedSerializer):
    id = serializers.CharField()
    code = serializers.CharField()
    organizationId = serializers.CharField(source="organization_id")
    name = serializers.CharField()
    description = serializers.CharField()


class UserAuthSerializer(serializers.Serializer):
    has2FA = serializers.BooleanField()
    hasPassword = serializers.BooleanField()
    hasRecovery = serializers.BooleanField()


class UserEntrySerializer(serializers.Serializer):
    user = UserSerializer()
    emails = UserEmailSerializer(many=True)
    auth = UserAuthSerializer()


class PrincipalRefSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["user", "team", "service_account"], source="principal_type")
    id = serializers.CharField(source="principal_id")


class PolicySerializer(serializers.Serializer):
    principal = PrincipalRefSerializer(source="*")
    permissions = serializers.ListField(child=serializers.CharField())
    createdAt = serializers.DateTimeField(source="created_at")
    updatedAt = serializers.DateTimeField(source="updated_at")
