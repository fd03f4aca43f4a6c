from apps.org.models.invitations import Invitation
from apps.org.models.member_counts import RoleMemberCount, TeamMemberCount, TeamRoleMemberCount
from apps.org.models.members import AccountType, Member, MemberRole
from apps.org.models.organizations import Organization, default_settings
from apps.org.models.policies import Policy, PrincipalType
from apps.org.models.roles import PermissionBundle, Role, TeamRole
from apps.org.models.teams import Team, TeamMember, TeamMemberRole

__all__ = [
    "AccountType",
    "Invitation",
    "Member",
    "MemberRole",
    "Organization",
    "PermissionBundle",
    "Policy",
    "PrincipalType",
    "Role",
    "RoleMemberCount",
    "Team",
    "TeamMember",
    "TeamMemberCount",
    "TeamMemberRole",
    "TeamRole",
    "TeamRoleMemberCount",
    "default_settings",
]
