"""Users as an organization administrator sees them: only members of the organization.

Three rules guard an administrator's reach over accounts:

- nobody acts on an account (its password, MFA, email, logins, membership) whose grants here exceed their own
  (`access.require_over`): an Admin cannot take over or remove an Owner;
- an account that also belongs to another organization keeps its email, password and MFA: only its owner
  changes them, or one organization's admin could take over another's member;
- the person's profile (given and family names) is theirs: the organization changes only the name it shows
  for them, their membership's (`Member.name`), which other organizations never see.
"""

from django.db import transaction

from apps.core import audit
from apps.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from apps.core.principal import Principal
from apps.identity import emails
from apps.identity.models import User
from apps.identity.services.mfa import mfa_reset
from apps.identity.services.reauth import require_recent_auth
from apps.identity.services.users import password_reset_link, password_reset_temporary, user_create, user_update
from apps.org.access import require, require_may_invite, require_over
from apps.org.models import Member, Role
from apps.org.permissions import SYSTEM_ORG_ROLES
from apps.org.services.members import membership_end, membership_rename
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
    default = principal.org.default_org_role
    role_key = default.key if default and default.key in SYSTEM_ORG_ROLES else "member"
    # The creator chooses the address the set-password link goes to: the account must hold no more than they do.
    require_may_invite(principal, role=Role.objects.get(organization=principal.org, key=role_key), team_roles={})
    user = user_create(
        email=email, password=None, given_name=given_name, family_name=family_name, display_name=display_name
    )
    member_add(org=principal.org, user=user, role_keys=[role_key])
    emails.send_password_reset(user=user, link=password_reset_link(user), welcome=True)
    return user


def _membership(principal: Principal, user: User) -> Member:
    """The user's membership here, once the caller may manage users and holds at least the account's grants."""
    require(principal, "CanManageUsers")
    member = Member.objects.filter(organization=principal.org, user=user).first()
    if member is None:
        raise NotFound("User not found.", code="user_not_found")
    require_over(principal, member)
    return member


@transaction.atomic
def org_user_update(
    *,
    principal: Principal,
    user: User,
    email: str | None = None,
    display_name: str | None = None,
    given_name: str | None = None,
    family_name: str | None = None,
) -> Member:
    """Change the person as this organization knows them; returns their membership here.

    `display_name` is the name shown here (blank: the person's own name). Given and family names are the person's
    profile, seen by every organization: refused unless unchanged. A new login email needs a recent sign-in and an
    account in no other organization.
    """
    member = _membership(principal, user)
    changed = {
        field: value
        for field, value in (("givenName", given_name), ("familyName", family_name))
        if value is not None and value != getattr(user, "given_name" if field == "givenName" else "family_name")
    }
    if changed:
        raise InvalidInput(
            "Only the person changes their own name; set displayName, the name this organization shows.",
            code="profile_of_the_person",
            field_errors={field: "Changed by the person only." for field in changed},
        )
    if email is not None and email.strip().lower() != user.email:
        require_recent_auth(principal.credential)
        _only_here(principal, user, "change the email of")
        member.user = user_update(user=user, email=email)
    if display_name is not None:
        membership_rename(member=member, name=display_name.strip() or member.user.name)
    return member


@transaction.atomic
def org_user_delete(*, principal: Principal, user: User) -> None:
    """Remove the user from this organization (org's membership path: last-Owner guard, event).

    An account left in no organization is deleted (the reference: "permanently removes a user account"); one that
    belongs to other organizations keeps its logins there.
    """
    require(principal, "CanManageUsers")
    if user.pk == principal.id:
        raise Conflict("You cannot delete yourself.", code="cannot_delete_self")
    member = _membership(principal, user)
    membership_end(member=member)
    if not Member.objects.filter(user=user).exists():
        audit.record(
            "user.delete",
            organization_id=member.organization_id,
            target_type="user",
            target_id=user.pk,
            changes={"email": user.email},
        )
        user.delete()


def org_user_mfa_reset(*, principal: Principal, user: User) -> None:
    _membership(principal, user)
    _only_here(principal, user, "reset MFA of")
    mfa_reset(user=user, credential=principal.credential)


def org_user_password_reset(*, principal: Principal, user: User) -> str:
    _membership(principal, user)
    _only_here(principal, user, "reset the password of")
    return password_reset_temporary(user=user, credential=principal.credential)
