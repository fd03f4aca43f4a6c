"""Response envelopes of the org endpoints."""

from rest_framework import serializers

from apps.org.api.serializers.entities import (
    BundleSerializer,
    OrganizationSerializer,
    PermissionSerializer,
    PolicySerializer,
    RoleEntrySerializer,
    TeamEntrySerializer,
    TeamRoleEntrySerializer,
    TeamSerializer,
)
from apps.org.api.serializers.members import MemberIncludedSerializer
from apps.org.api.serializers.users import UserSerializer


class PermissionListSerializer(serializers.Serializer):
    items = PermissionSerializer(many=True)


class TeamListSerializer(serializers.Serializer):
    items = TeamSerializer(many=True)


class TeamPageSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    items = TeamEntrySerializer(many=True)


class TeamMemberItemSerializer(serializers.Serializer):
    memberId = serializers.CharField()
    userId = serializers.CharField()
    roleIds = serializers.ListField(child=serializers.CharField())
    teamRoleIds = serializers.ListField(child=serializers.CharField())
    isAutomatic = serializers.BooleanField()


class TeamMemberPageSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    items = TeamMemberItemSerializer(many=True)
    included = MemberIncludedSerializer()


class RolePageSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    items = RoleEntrySerializer(many=True)


class TeamRolePageSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    items = TeamRoleEntrySerializer(many=True)


class RoleDetailItemSerializer(serializers.Serializer):
    roleId = serializers.CharField()
    permissionIds = serializers.ListField(child=serializers.CharField())
    bundleIds = serializers.ListField(child=serializers.CharField())
    bundlePermissions = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class RoleIncludedSerializer(serializers.Serializer):
    roles = RoleEntrySerializer(many=True)
    permissions = PermissionSerializer(many=True)
    bundles = BundleSerializer(many=True)


class TeamRoleIncludedSerializer(RoleIncludedSerializer):
    roles = TeamRoleEntrySerializer(many=True)


class RoleDetailSerializer(serializers.Serializer):
    item = RoleDetailItemSerializer()
    included = RoleIncludedSerializer()


class TeamRoleDetailSerializer(serializers.Serializer):
    item = RoleDetailItemSerializer()
    included = TeamRoleIncludedSerializer()


class PolicyListSerializer(serializers.Serializer):
    items = PolicySerializer(many=True)
    marker = serializers.CharField(required=False)


class InvitationSerializer(serializers.Serializer):
    id = serializers.CharField()
    organizationId = serializers.CharField(source="organization_id")
    name = serializers.CharField()
    email = serializers.EmailField()
    organizationRoleId = serializers.CharField(source="organization_role_id")
    accountType = serializers.CharField(source="account_type")
    invitationToken = serializers.CharField(source="token")
    invitedAt = serializers.DateTimeField(source="created_at")
    createdAt = serializers.DateTimeField(source="created_at")
    createdBy = serializers.CharField(source="created_by")
    expiresAt = serializers.DateTimeField(source="expires_at")
    organization = OrganizationSerializer()
    inviteUrl = serializers.CharField(source="url")


class InvitationAcceptedSerializer(serializers.Serializer):
    organization = OrganizationSerializer()
    user = UserSerializer()
    otaCode = serializers.CharField(allow_null=True)
    nextStep = serializers.ChoiceField(choices=["sign_in", "console"])
