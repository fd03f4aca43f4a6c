import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from apps.core import audit, clock
from apps.core.actor import USER, Actor
from apps.core.crypto import hash_secret
from apps.core.errors import Conflict, InvalidInput, NotFound
from apps.core.principal import Principal
from apps.org.access import require, require_may_invite
from apps.org.models import (
    Invitation,
    Member,
    MemberRole,
    Organization,
    Role,
    Team,
    TeamMember,
    TeamMemberRole,
    TeamRole,
)


def invite_url(token: str) -> str:
    return f"{settings.CONSOLE_BASE_URL}/invitations/{token}/"


def _check_team_assignments(org_id: str, assignments: list[dict[str, str]]) -> list[dict[str, str]]:
    team_ids = {a["teamId"] for a in assignments}
    role_ids = {a["roleId"] for a in assignments if a.get("roleId")}
    known_teams = set(Team.objects.filter(organization_id=org_id, pk__in=team_ids).values_list("pk", flat=True))
    known_roles = set(TeamRole.objects.filter(organization_id=org_id, pk__in=role_ids).values_list("pk", flat=True))
    errors = {}
    for i, a in enumerate(assignments):
        if a["teamId"] not in known_teams:
            errors[f"teamAssignments[{i}].teamId"] = "Unknown team."
        if a.get("roleId") and a["roleId"] not in known_roles:
            errors[f"teamAssignments[{i}].roleId"] = "Unknown team role."
    if errors:
        raise InvalidInput("Some team assignments are not valid.", field_errors=errors)
    return [{"teamId": a["teamId"], "roleId": a.get("roleId") or ""} for a in assignments]


@transaction.atomic
def invitation_create(
    *,
    principal: Principal,
    email: str,
    name: str = "",
    organization_role_id: str | None = None,
    account_type: str = "managed",
    team_assignments: list[dict[str, str]] | None = None,
    send_email: bool = True,
) -> tuple[Invitation, str]:
    """Invite someone by email; returns the invitation and its token (shown to the inviter once)."""
    require(principal, "CanManageInvitations")
    org = principal.org
    email = email.strip().lower()
    if Member.objects.filter(organization=org, user__email=email).exists():
        raise Conflict(
            "This person is already a member.", code="already_member", field_errors={"email": "Already a member."}
        )
    role = (
        Role.objects.filter(organization=org, pk=organization_role_id).first()
        if organization_role_id
        else org.default_org_role
    )
    if role is None:
        raise InvalidInput("Unknown organization role.", field_errors={"organizationRoleId": "Unknown role."})
    assignments = _check_team_assignments(org.pk, team_assignments or [])
    require_may_invite(principal, role=role, team_roles={a["teamId"]: a["roleId"] for a in assignments})
    now = clock.now()
    # A new invitation supersedes the pending ones for the same address.
    Invitation.objects.filter(organization=org, email=email, accepted_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organization=org,
        email=email,
        name=name.strip(),
        organization_role=role,
        account_type=account_type,
        team_assignments=assignments,
        token_hash=hash_secret(token),
        invited_by_member=principal.member,
        expires_at=now + timedelta(days=settings.INVITATION_TTL_DAYS),
    )
    audit.record(
        "invitation.create",
        organization_id=org.pk,
        target_type="invitation",
        target_id=invitation.pk,
        changes={
            "email": email,
            "organizationRoleId": role.pk,
            "accountType": account_type,
            "teamAssignments": assignments,
        },
    )
    if send_email:
        inviter = principal.member.name if principal.member else org.name
        body = (
            f"{inviter} invited you to join {org.name} on LakeSail.\n\n"
            f"Accept the invitation: {invite_url(token)}\n\n"
            f"The link works once and expires on {invitation.expires_at:%Y-%m-%d %H:%M} UTC."
        )
        transaction.on_commit(
            lambda: send_mail(f"Join {org.name} on LakeSail", body, settings.DEFAULT_FROM_EMAIL, [email])
        )
    return invitation, token


@transaction.atomic
def invitation_resend(
    *, principal: Principal, invitation: Invitation, send_email: bool = True
) -> tuple[Invitation, str]:
    """A new link, emailed again, for a pending invitation; the old link stops working (superseded).

    Keeps the role and the teams, less the teams deleted since. Returns the new invitation and its token.
    """
    require(principal, "CanManageInvitations", invitation)
    team_ids = [a["teamId"] for a in invitation.team_assignments]
    existing = set(
        Team.objects.filter(organization_id=invitation.organization_id, pk__in=team_ids).values_list("pk", flat=True)
    )
    new, token = invitation_create(
        principal=principal,
        email=invitation.email,
        name=invitation.name,
        organization_role_id=invitation.organization_role_id,
        account_type=invitation.account_type,
        team_assignments=[a for a in invitation.team_assignments if a["teamId"] in existing],
        send_email=send_email,
    )
    audit.record(
        "invitation.resend",
        organization_id=invitation.organization_id,
        target_type="invitation",
        target_id=invitation.pk,
        changes={"email": invitation.email, "replacedBy": new.pk},
    )
    return new, token


@transaction.atomic
def invitation_revoke(*, principal: Principal, invitation: Invitation) -> None:
    """The invitation's link stops working now; revoking one that already ended changes nothing."""
    require(principal, "CanManageInvitations", invitation)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise Conflict("This invitation was already accepted.", code="invitation_accepted")
    now = clock.now()
    if invitation.expires_at > now:
        invitation.expires_at = now
        invitation.save(update_fields=["expires_at", "updated_at", "updated_by"])
        audit.record(
            "invitation.revoke",
            organization_id=invitation.organization_id,
            target_type="invitation",
            target_id=invitation.pk,
            changes={"email": invitation.email},
        )


def invitation_by_token(token: str) -> Invitation:
    """A pending invitation; unknown, used and expired ones are all 'not found' with a reason."""
    invitation = (
        Invitation.objects.select_related("organization", "organization_role")
        .filter(token_hash=hash_secret(token))
        .first()
    )
    if invitation is None:
        raise NotFound("Invitation not found.", code="invitation_not_found")
    if invitation.accepted_at is not None:
        raise NotFound("This invitation was already accepted.", code="invitation_accepted")
    if invitation.expires_at <= clock.now():
        raise NotFound("This invitation has expired; ask for a new one.", code="invitation_expired")
    return invitation


def invitation_for_update(token: str) -> Invitation:
    """The pending invitation behind a token, locked for the accepting transaction."""
    invitation = invitation_by_token(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise NotFound("This invitation was already accepted.", code="invitation_accepted")
    return invitation


def invitation_join(*, invitation: Invitation, user: Any, account_type: str | None = None) -> Member:
    """Make `user` the member an accepted invitation describes (role, teams) and close the invitation.

    Shared by the invitation link and by SSO's just-in-time membership. Call inside a transaction.
    """
    org = invitation.organization
    if Member.objects.filter(organization=org, user=user).exists():
        raise Conflict("You are already a member of this organization.", code="already_member")
    member = membership_create(
        org=org,
        user=user,
        role=invitation.organization_role,
        account_type=account_type or invitation.account_type,
        team_assignments=invitation.team_assignments,
        name=invitation.name,
    )
    Member.objects.filter(pk=member.pk).update(
        invited_by_member_id=invitation.invited_by_member_id or "",
        invite_expires_at=invitation.expires_at,
        invite_accepted_at=clock.now(),
    )
    invitation.accepted_at = clock.now()
    invitation.accepted_member = member
    invitation.save(update_fields=["accepted_at", "accepted_member", "updated_at"])
    audit.record(
        "invitation.accept",
        organization_id=org.pk,
        target_type="invitation",
        target_id=invitation.pk,
        changes={"memberId": member.pk},
        actor=Actor(user.pk, USER),  # the invited person, who may have signed up a moment ago
    )
    return member


def membership_create(
    *,
    org: Organization,
    user: Any,
    role: Role,
    account_type: str = "managed",
    team_assignments: list[dict[str, str]] | None = None,
    name: str = "",
) -> Member:
    """A new member with one org role, the given team assignments and the organization's default team."""
    member = Member.objects.create(
        organization=org, user=user, name=name or user.name, email=user.email, account_type=account_type
    )
    MemberRole.objects.create(member=member, role=role)
    _join_teams(member, org, team_assignments or [])
    audit.record(
        "member.add",
        organization_id=org.pk,
        target_type="member",
        target_id=member.pk,
        changes={"userId": user.pk, "roleIds": [role.pk], "accountType": account_type},
    )
    return member


def _join_teams(member: Member, org: Organization, assignments: list[dict[str, str]]) -> None:
    wanted = {a["teamId"]: a.get("roleId") for a in assignments}
    automatic = set()
    if org.default_team_id and org.default_team_id not in wanted:
        wanted[org.default_team_id] = None
        automatic.add(org.default_team_id)
    teams = {t.pk: t for t in Team.objects.filter(organization=org, pk__in=wanted)}
    for team_id, role_id in wanted.items():
        team = teams.get(team_id)
        if team is None:  # deleted since the invitation was sent
            continue
        link = TeamMember.objects.create(team=team, member=member, is_automatic=team_id in automatic)
        role_id = role_id or team.default_role_id
        if role_id:
            TeamMemberRole.objects.create(team_member=link, team_role_id=role_id)
