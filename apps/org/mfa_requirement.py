"""An organization that requires two-factor authentication (settings.auth.requireMfa) gives each member a grace
period (settings.auth.mfaGracePeriodDays) from the later of the day it started requiring it and the day they
joined. Past it, a member without an authenticator acts in the organization only to set one up: the console
sends them to enrollment and the API answers 403 `mfa_required`. Service accounts have no second factor and
are not concerned.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils.dateparse import parse_datetime

from apps.core import clock
from apps.core.errors import Forbidden
from apps.org.models import Member
from apps.org.services.organizations import MFA_SINCE


@dataclass(frozen=True)
class MfaRequirement:
    organization: str  # its name, for the message
    deadline: datetime
    due: bool  # the grace period is over

    @property
    def message(self) -> str:
        if self.due:
            return f"{self.organization} requires two-factor authentication: set up an authenticator app to continue."
        return (
            f"{self.organization} requires two-factor authentication: set up an authenticator app before the deadline."
        )


def has_mfa(user: Any) -> bool:
    # The authenticator is identity's (`user.totp`); org reads it only through the relation's name.
    device = getattr(user, "totp", None)  # a missing one-to-one row raises an AttributeError subclass
    return device is not None and device.confirmed_at is not None


def mfa_requirement(member: Member) -> MfaRequirement | None:
    """What the organization asks of this member who has no authenticator yet; None when it asks nothing."""
    auth = (member.organization.settings or {}).get("auth", {})
    if not auth.get("requireMfa") or has_mfa(member.user):
        return None
    since = parse_datetime(str(auth.get(MFA_SINCE) or "")) or member.created_at
    deadline = max(since, member.created_at) + timedelta(days=int(auth.get("mfaGracePeriodDays") or 0))
    return MfaRequirement(member.organization.name, deadline, due=deadline <= clock.now())


def require_mfa_if_due(member: Member | None) -> None:
    """The API's gate: 403 `mfa_required` for a member past the grace period without an authenticator."""
    requirement = mfa_requirement(member) if member is not None else None
    if requirement is not None and requirement.due:
        raise Forbidden(
            f"{requirement.message} Enroll with POST /me/mfa/totp and POST /me/mfa/totp/confirm.",
            code="mfa_required",
        )
