"""Email: to one member's verified address, or to every enabled member of a team with one. HTML and text bodies
from `templates/notifications/emails/`; the Message-ID is the delivery's, so a repeat is recognisable."""

import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from apps.identity.models import UserEmail
from apps.notifications.messages import Message
from apps.notifications.models import Channel
from apps.notifications.transports.base import Configured, Owner, Transport, TransportError
from apps.org.models import Member, Team, TeamMember


def verified_addresses(user_ids: list[str]) -> dict[str, list[str]]:
    """Each user's verified addresses, the login address first."""
    found: dict[str, list[str]] = {}
    rows = UserEmail.objects.filter(user_id__in=user_ids, verified_at__isnull=False).values_list(
        "user_id", "email", "user__email"
    )
    for user_id, address, _login in sorted(rows, key=lambda r: (r[0], r[1] != r[2], r[1])):
        found.setdefault(user_id, []).append(address)
    return found


def _address(member: Member, verified: dict[str, list[str]], preferred: str | None) -> str | None:
    addresses = verified.get(member.user_id, [])
    if preferred and preferred in addresses:
        return preferred
    return addresses[0] if addresses else None


class EmailTransport(Transport):
    type = "email"

    def configure(self, write: dict[str, Any], *, current: Configured | None, owner: Owner) -> Configured:
        out = Configured()
        member_id, team_id, email = write.get("memberId"), write.get("teamId"), write.get("email")
        if member_id and team_id:
            out.errors["configWrite"] = "Name a member or a team, not both."
            return out
        if not member_id and not team_id:
            member_id, team_id = owner.member_id, owner.team_id
        if owner.member_id and (team_id or member_id != owner.member_id):
            out.errors["configWrite.memberId"] = "A personal channel emails its own member."
            return out
        if owner.team_id and team_id and team_id != owner.team_id:
            out.errors["configWrite.teamId"] = "A team channel emails its own team or one of its members."
            return out
        if team_id:
            if (
                not isinstance(team_id, str)
                or not Team.objects.filter(organization_id=owner.organization_id, pk=team_id).exists()
            ):
                out.errors["configWrite.teamId"] = "No such team."
            out.config = {"memberId": None, "teamId": team_id, "email": None}
            return out
        if not member_id:
            out.errors["configWrite.memberId"] = "Name a member or a team."
            return out
        members = Member.objects.filter(organization_id=owner.organization_id, pk=member_id, is_enabled=True)
        if owner.team_id:
            members = members.filter(team_memberships__team_id=owner.team_id)
        member = members.first() if isinstance(member_id, str) else None
        if member is None:
            out.errors["configWrite.memberId"] = "No such member" + (" in the team." if owner.team_id else ".")
            return out
        addresses = verified_addresses([member.user_id]).get(member.user_id, [])
        if not addresses:
            out.errors["configWrite.memberId"] = "This member has no verified email address."
        elif email is not None and email not in addresses:
            out.errors["configWrite.email"] = "Must be one of the member's verified addresses."
        out.config = {"memberId": member.pk, "teamId": None, "email": email or None}
        return out

    def summary(self, config: dict[str, Any]) -> str:
        if config.get("teamId"):
            return f"members of team {config['teamId']}"
        return config.get("email") or f"member {config.get('memberId')}"

    def recipients(self, channel: Channel) -> list[str]:
        config = channel.config
        if config.get("teamId"):
            links = TeamMember.objects.filter(team_id=config["teamId"], member__is_enabled=True)
            members = [link.member for link in links.select_related("member")]
        else:
            members = list(Member.objects.filter(pk=config.get("memberId"), is_enabled=True))
        verified = verified_addresses([m.user_id for m in members])
        return sorted({a for m in members if (a := _address(m, verified, config.get("email")))})

    def send(self, channel: Channel, message: Message) -> str:
        to = self.recipients(channel)
        if not to:
            raise TransportError("No recipient with a verified email address.", permanent=True)
        context = {"message": message}
        email = EmailMultiAlternatives(
            subject=f"LakeSail: {message.title}"[:200],
            body=render_to_string("notifications/emails/message.txt", context),
            to=to,
            headers={
                "Message-ID": f"<notification-{message.delivery_id}@{settings.NOTIFICATIONS_EMAIL_DOMAIN}>",
                "X-LakeSail-Delivery": message.delivery_id,
            },
        )
        email.attach_alternative(render_to_string("notifications/emails/message.html", context), "text/html")
        try:
            email.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            raise TransportError(f"The mail server refused the recipients: {exc}", permanent=True) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TransportError(f"The mail server could not be reached: {exc}") from exc
        return f"Sent to {len(to)} recipient{'s' if len(to) != 1 else ''}."
