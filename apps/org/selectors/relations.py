"""Everything a page of members refers to, loaded in a constant number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, prefetch_related_objects

from apps.org.models import Member, MemberRole, Role, Team, TeamMember, TeamMemberRole, TeamRole
from apps.org.selectors.roles import with_permission_counts


@dataclass
class UserAuth:
    has_password: bool
    has_2fa: bool = False
    has_recovery: bool = False


@dataclass
class MemberRelations:
    member_roles: list[MemberRole] = field(default_factory=list)
    memberships: list[TeamMember] = field(default_factory=list)
    membership_roles: list[TeamMemberRole] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)
    team_roles: list[TeamRole] = field(default_factory=list)
    emails: dict[str, list] = field(default_factory=dict)
    auth: dict[str, UserAuth] = field(default_factory=dict)

    def role_ids(self, member: Member) -> list[str]:
        return [link.role_id for link in self.member_roles if link.member_id == member.pk]

    def team_role_ids(self, member: Member) -> dict[str, list[str]]:
        by_membership: dict[str, list[str]] = defaultdict(list)
        for link in self.membership_roles:
            by_membership[link.team_member_id].append(link.team_role_id)
        return {m.team_id: by_membership[m.pk] for m in self.memberships if m.member_id == member.pk}


def member_relations(members: list[Member]) -> MemberRelations:
    if not members:
        return MemberRelations()
    member_ids = [m.pk for m in members]
    org_id = members[0].organization_id
    member_roles = list(MemberRole.objects.filter(member_id__in=member_ids))
    memberships = list(TeamMember.objects.filter(member_id__in=member_ids))
    membership_roles = list(TeamMemberRole.objects.filter(team_member__member_id__in=member_ids))
    roles = Role.objects.filter(pk__in={link.role_id for link in member_roles}).annotate(
        member_count=Count("member_links", distinct=True)
    )
    teams = Team.objects.filter(pk__in={m.team_id for m in memberships}).annotate(
        member_count=Count("memberships", distinct=True)
    )
    team_roles = TeamRole.objects.filter(
        organization_id=org_id, pk__in={link.team_role_id for link in membership_roles}
    ).annotate(member_count=Count("member_links", distinct=True))
    users = [m.user for m in members]
    return MemberRelations(
        member_roles=member_roles,
        memberships=memberships,
        membership_roles=membership_roles,
        roles=with_permission_counts(list(roles)),
        teams=list(teams),
        team_roles=with_permission_counts(list(team_roles)),
        emails=_emails_of(users),
        auth=_auth_of(users),
    )


# Org reads user facts through the user model's related names (`emails`, `totp`, `recovery_codes`): the user model is
# settings.AUTH_USER_MODEL, and importing identity from org would point the layers the wrong way.


def _emails_of(users: list[Any]) -> dict[str, list]:
    emails: dict[str, list] = {u.pk: [] for u in users}
    prefetch_related_objects(users, "emails")
    for user in users:
        emails[user.pk].extend(user.emails.all())
    for user in users:
        if not any(e.email == user.email for e in emails[user.pk]):
            # The login email is always an address of the user, recorded or not.
            emails[user.pk].insert(
                0,
                SimpleNamespace(
                    user_id=user.pk,
                    email=user.email,
                    verified_at=user.email_verified_at,
                    created_at=user.created_at,
                    created_by=user.created_by,
                    updated_at=user.updated_at,
                    updated_by=user.updated_by,
                ),
            )
    return emails


def _auth_of(users: list[Any]) -> dict[str, UserAuth]:
    ids = [u.pk for u in users]
    users_here = get_user_model().objects.filter(pk__in=ids)
    with_totp = set(users_here.filter(totp__confirmed_at__isnull=False).values_list("pk", flat=True))
    with_recovery = set(users_here.filter(recovery_codes__used_at__isnull=True).values_list("pk", flat=True))
    return {
        u.pk: UserAuth(
            has_password=u.has_usable_password(), has_2fa=u.pk in with_totp, has_recovery=u.pk in with_recovery
        )
        for u in users
    }
