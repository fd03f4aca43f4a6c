from types import SimpleNamespace
from typing import Any

from rest_framework import serializers

from apps.core.api.fast import dump
from apps.core.api.included import Included
from apps.org.api.serializers.entities import (
    MemberSerializer,
    RoleEntrySerializer,
    TeamEntrySerializer,
    TeamRoleEntrySerializer,
    UserEntrySerializer,
)
from apps.org.models import Member
from apps.org.selectors.relations import MemberRelations


class MemberItemSerializer(serializers.Serializer):
    memberId = serializers.CharField()
    userId = serializers.CharField()
    roleIds = serializers.ListField(child=serializers.CharField())
    teamRoleIds = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class MemberRoleRelationSerializer(serializers.Serializer):
    id = serializers.CharField()
    memberId = serializers.CharField(source="member_id")
    organizationRoleId = serializers.CharField(source="role_id")
    createdAt = serializers.DateTimeField(source="created_at")
    createdBy = serializers.CharField(source="created_by")
    updatedAt = serializers.DateTimeField(source="updated_at")
    updatedBy = serializers.CharField(source="updated_by")


class MemberTeamRelationSerializer(MemberRoleRelationSerializer):
    organizationRoleId = None  # type: ignore[assignment]
    teamId = serializers.CharField(source="team_id")
    isAutomatic = serializers.BooleanField(source="is_automatic")


class MemberTeamRoleRelationSerializer(serializers.Serializer):
    id = serializers.CharField()
    memberTeamId = serializers.CharField(source="team_member_id")
    teamRoleId = serializers.CharField(source="team_role_id")
    createdAt = serializers.DateTimeField(source="created_at")
    createdBy = serializers.CharField(source="created_by")
    updatedAt = serializers.DateTimeField(source="updated_at")
    updatedBy = serializers.CharField(source="updated_by")


class EntityRelationsSerializer(serializers.Serializer):
    """The links behind the items (the reference's example merges these three shapes into one object)."""

    memberRoles = MemberRoleRelationSerializer(many=True)
    memberTeams = MemberTeamRelationSerializer(many=True)
    memberTeamRoles = MemberTeamRoleRelationSerializer(many=True)


class MemberIncludedSerializer(serializers.Serializer):
    members = MemberSerializer(many=True)
    users = UserEntrySerializer(many=True)
    roles = RoleEntrySerializer(many=True)
    teams = TeamEntrySerializer(many=True)
    teamRoles = TeamRoleEntrySerializer(many=True)
    _entityRelations = EntityRelationsSerializer()


class MemberListSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    items = MemberItemSerializer(many=True)
    included = MemberIncludedSerializer()


class MemberDescribeSerializer(serializers.Serializer):
    item = MemberItemSerializer()
    included = MemberIncludedSerializer()


def member_item(member: Member, relations: MemberRelations) -> dict[str, Any]:
    return {
        "memberId": member.pk,
        "userId": member.user_id,
        "roleIds": relations.role_ids(member),
        "teamRoleIds": relations.team_role_ids(member),
    }


def member_included(members: list[Member], relations: MemberRelations) -> dict[str, Any]:
    users = [
        SimpleNamespace(
            pk=m.user.pk,
            user=m.user,
            emails=relations.emails[m.user.pk],
            auth={
                "has2FA": relations.auth[m.user.pk].has_2fa,
                "hasPassword": relations.auth[m.user.pk].has_password,
                "hasRecovery": relations.auth[m.user.pk].has_recovery,
            },
        )
        for m in members
    ]
    included = (
        Included()
        .add("members", members, MemberSerializer)
        .add("users", users, UserEntrySerializer)
        .add("roles", relations.roles, RoleEntrySerializer)
        .add("teams", relations.teams, TeamEntrySerializer)
        .add("teamRoles", relations.team_roles, TeamRoleEntrySerializer)
        .as_dict()
    )
    included["_entityRelations"] = dump(
        EntityRelationsSerializer,
        {
            "memberRoles": relations.member_roles,
            "memberTeams": relations.memberships,
            "memberTeamRoles": relations.membership_roles,
        },
    )
    return included
