"""Request bodies of the org endpoints."""

from rest_framework import serializers

from apps.core.api.fields import NewPasswordField


class TeamCreateSerializer(serializers.Serializer):
    organizationId = serializers.CharField(required=False, help_text="Ignored: the organization is the caller's.")
    name = serializers.CharField(max_length=100)
    defaultRoleId = serializers.CharField(required=False, allow_null=True, allow_blank=True)


class TeamUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    defaultRoleId = serializers.CharField(required=False, allow_blank=True)


class RoleIdsSerializer(serializers.Serializer):
    roleIds = serializers.ListField(
        child=serializers.CharField(max_length=20), max_length=50, required=False, default=list
    )


class RequiredRoleIdsSerializer(serializers.Serializer):
    roleIds = serializers.ListField(child=serializers.CharField(max_length=20), min_length=1, max_length=50)


class MemberUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=300, required=False, allow_blank=True)
    email = serializers.EmailField(required=False)
    preferences = serializers.DictField(required=False)
    invitationToken = serializers.CharField(required=False, allow_blank=True, help_text="Ignored.")
    isEnabled = serializers.BooleanField(required=False)


class PolicySetSerializer(serializers.Serializer):
    permissions = serializers.ListField(child=serializers.CharField(max_length=64), max_length=100)


class TeamAssignmentSerializer(serializers.Serializer):
    teamId = serializers.CharField(max_length=20)
    roleId = serializers.CharField(max_length=20, required=False, allow_blank=True)


class InvitationCreateSerializer(serializers.Serializer):
    organizationId = serializers.CharField(required=False, help_text="Ignored: the organization is the caller's.")
    name = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    email = serializers.EmailField()
    organizationRoleId = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    accountType = serializers.ChoiceField(choices=["managed", "federated"], required=False, default="managed")
    teamAssignments = TeamAssignmentSerializer(many=True, required=False, default=list)
    sendEmail = serializers.BooleanField(required=False, default=True)


class NewUserSerializer(serializers.Serializer):
    email = serializers.EmailField()
    givenName = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    familyName = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    password = NewPasswordField()


class InvitationAcceptSerializer(serializers.Serializer):
    user = NewUserSerializer(required=False)


class OrganizationSettingsUpdateSerializer(serializers.Serializer):
    """PATCH /org/settings (designed: the reference has organization settings but no endpoint to change them)."""

    name = serializers.CharField(max_length=200, required=False)
    slug = serializers.CharField(max_length=63, required=False)
    settings = serializers.DictField(
        required=False, help_text="A partial tree of `settings`: only the keys given change (e.g. auth.requireMfa)."
    )
    defaultOrgRoleId = serializers.CharField(max_length=20, required=False)
    defaultTeamId = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text="Empty: no default team."
    )
