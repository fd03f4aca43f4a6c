"""Accepting an invitation: the part that may create the account, then org's join."""

from typing import Any

from django.db import transaction

from apps.core.errors import Conflict, InvalidInput
from apps.identity.models import User
from apps.identity.services.accounts import email_verification_resend
from apps.identity.services.users import user_create
from apps.org.models import Member
from apps.org.services.invitations import invitation_for_update, invitation_join


@transaction.atomic
def invitation_accept(*, token: str, user: User | None = None, new_user: dict[str, Any] | None = None) -> Member:
    """Accept an invitation as the signed-in user, or as a new user created from `new_user`."""
    invitation = invitation_for_update(token)
    if user is None:
        if not new_user:
            raise InvalidInput("Sign in, or give the new account's details.", field_errors={"user": "Required."})
        if new_user.get("email", "").strip().lower() != invitation.email:
            raise InvalidInput(
                "Use the invited email address.", field_errors={"user.email": "Must be the invited address."}
            )
        if User.objects.filter(email=invitation.email).exists():
            raise Conflict("An account with this email exists: sign in to accept.", code="sign_in_required")
        user = user_create(
            email=invitation.email,
            password=new_user.get("password") or "",
            given_name=new_user.get("givenName", ""),
            family_name=new_user.get("familyName", ""),
        )
        # The invitation's token may have reached its holder another way than this inbox: prove the address.
        email_verification_resend(email=invitation.email)
    elif user.email.lower() != invitation.email:
        raise Conflict("This invitation is for another email address.", code="invitation_email_mismatch")
    return invitation_join(invitation=invitation, user=user)
