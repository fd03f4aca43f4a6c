"""Users as an organization administrator sees them: only members of the organization.

An administrator of one organization must not take over an account that also belongs to
another one: changing its email, password or MFA is refused for such shared accounts.
"""

from django.db import transaction

from apps.core.errors import Conflict, Forbidden, NotFound
from apps.core.principal import Principal
from apps.identity import emails
from apps.identity.models import User
from apps.identity.services.mfa import mfa_reset
from apps.identity.services.users import password_reset_link, password_reset_temporary, user_create, user_update
from apps.org.access import require
from apps.org.models import Member
from apps.org.permissions import SYSTEM_ORG_ROLES
from apps.org.services.members import membership_end
from apps.org.services.organizations import member_add


def _only_here(principal: Principal, user: User, action: str) -> None:
    if Member.objects.filter(user=user).exclude(organization=principal.org).exists():
        raise Forbidden(
            f"This account also belongs to another organization: its owner must {action} it themselves.",
            code="user_shared_with_other_organizations",
        )


@transaction.atomic
def org_user_create(*, principal: Principal, email: str, given_name: str, family_name: str, display_name: str) -> User:
    """A new account, member of this organization; the person sets a password through an emailed link."""
    require(principal, "CanManageUsers")
    user = user_create(
        email=email, password=None, given_name=given_name, family_name=family_name, display_name=display_name
    )
    default = principal.org.default_org_role
    member_add(
        org=principal.org,
        user=user,
        role_keys=[default.key if default and default.key in SYSTEM_ORG_ROLES else "member"],
    )
    emails.send_password_reset(user=user, link=password_reset_link(user), welcome=True)
    return user


def org_user_update(*, principal: Principal, user: User, **fields: str) -> User:
    require(principal, "CanManageUsers")
    if "email" in fields and fields["email"].strip().lower() != user.email:
        _only_here(principal, user, "change the email of")
    return user_update(user=user, **fields)


@transaction.atomic
def org_user_delete(*, principal: Principal, user: User) -> None:
    """Remove the user from this organization (org's membership path: last-Owner guard, event).

    An account left in no organization is deleted (the reference: "permanently removes a user account"); one that
    belongs to other organizations keeps its logins there.
    """
    require(principal, "CanManageUsers")
    if user.pk == principal.id:
        raise Conflict("You cannot delete yourself.", code="cannot_delete_self")
    member = Member.objects.filter(organization=principal.org, user=user).first()
    if member is None:
        raise NotFound("User not found.", code="user_not_found")
    membership_end(member=member)
    if not Member.objects.filter(user=user).exists():
        user.delete()


def org_user_mfa_reset(*, principal: Principal, user: User) -> None:
    require(principal, "CanManageUsers")
    _only_here(principal, user, "reset MFA of")
    mfa_reset(user=user)


def org_user_password_reset(*, principal: Principal, user: User) -> str:
    require(principal, "CanManageUsers")
    _only_here(principal, user, "reset the password of")
    return password_reset_temporary(user=user)
