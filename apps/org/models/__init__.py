from apps.org.models.members import Member, MemberRole
from apps.org.models.organizations import Organization, default_settings
from apps.org.models.roles import Role

__all__ = ["Member", "MemberRole", "Organization", "Role", "default_settings"]
