"""Users of the organization, as its administrators manage them.

`displayName` here is the name this organization shows for the person (their membership's): an administrator
changes that, never the person's own profile, which their other organizations see.
"""

from collections.abc import Sequence

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.fast import dump
from apps.core.api.pagination import list_body, marker_page
from apps.core.client_ip import client_ip
from apps.core.principal import Principal
from apps.identity import selectors
from apps.identity.api.serializers import users as us
from apps.identity.models import User
from apps.identity.services import org_users
from apps.identity.services.users import password_change
from apps.org.api.base import OrgApiView
from apps.org.models import Member

TAG = ["identity"]


def with_shown_names(principal: Principal, users: Sequence[User]) -> Sequence[User]:
    """Set `shown_name` on each user: the name the organization shows (its member's name, else the user's own), from
    `member_name` when the page read it (`selectors.user_page`), else with one query for the page."""
    if users and hasattr(users[0], "member_name"):
        names = {user.pk: user.member_name for user in users}  # type: ignore[attr-defined]
    else:
        members = Member.objects.filter(organization=principal.org, user__in=[u.pk for u in users])
        names = dict(members.values_list("user_id", "name"))
    for user in users:
        user.shown_name = names.get(user.pk) or user.name  # type: ignore[attr-defined]
    return users


def _user(principal: Principal, user: User) -> dict:
    return dump(us.OrgUserSerializer, with_shown_names(principal, [user])[0])


class OrgUsersView(OrgApiView):
    @extend_schema(
        tags=TAG,
        summary="List users",
        parameters=[us.MarkerQuerySerializer],
        responses={200: us.UserListSerializer},
    )
    def get(self, request: Request) -> Response:
        page = selectors.user_page(principal=self.principal, params=request.query_params) or marker_page(
            selectors.user_list(principal=self.principal), request.query_params
        )
        items = dump(us.OrgUserSerializer, with_shown_names(self.principal, page.objects), many=True)
        return Response(list_body(page, items))

    @extend_schema(
        tags=TAG,
        summary="Create a user",
        description="Creates the account as a member of this organization and emails a link to set a password.",
        request=us.UserWriteSerializer,
        responses={201: us.OrgUserSerializer},
    )
    def post(self, request: Request) -> Response:
        data = us.UserWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        user = org_users.org_user_create(
            principal=self.principal,
            email=fields["email"],
            given_name=fields.get("given_name", ""),
            family_name=fields.get("family_name", ""),
            display_name=fields.get("display_name", ""),
        )
        return Response(_user(self.principal, user), status=201)


class OrgUserView(OrgApiView):
    @extend_schema(tags=TAG, summary="Describe a user", responses={200: us.OrgUserSerializer})
    def get(self, request: Request, user: str) -> Response:
        return Response(_user(self.principal, selectors.org_user_get(principal=self.principal, user_id=user)))

    @extend_schema(
        tags=TAG,
        summary="Update a user",
        description="`displayName` sets the name this organization shows for the person (blank: their own name); "
        "given and family names are the person's own and cannot be changed here. A new `email` needs a sign-in "
        "less than 15 minutes old and an account in no other organization. Acting on someone holding permissions "
        "you lack (an Owner, for an Admin) is refused with 403.",
        request=us.UserWriteSerializer(partial=True),
        responses={200: us.OrgUserSerializer},
    )
    def patch(self, request: Request, user: str) -> Response:
        user = selectors.org_user_get(principal=self.principal, user_id=user)
        data = us.UserWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        member = org_users.org_user_update(principal=self.principal, user=user, **data.validated_data)
        return Response(_user(self.principal, member.user))

    @extend_schema(
        tags=TAG,
        summary="Delete a user",
        description="Removes the user from this organization and ends all their logins; an account left in no "
        "organization is deleted.",
        responses={204: None},
    )
    def delete(self, request: Request, user: str) -> Response:
        user = selectors.org_user_get(principal=self.principal, user_id=user)
        org_users.org_user_delete(principal=self.principal, user=user)
        return Response(status=204)


class OrgUserMfaView(OrgApiView):
    @extend_schema(
        tags=["mfa"],
        summary="Reset user MFA",
        description="Deletes the user's authenticator and recovery codes, forgets trusted devices, ends all logins. "
        "Needs a sign-in less than 15 minutes old.",
        responses={204: None},
    )
    def delete(self, request: Request, user: str) -> Response:
        user = selectors.org_user_get(principal=self.principal, user_id=user)
        org_users.org_user_mfa_reset(principal=self.principal, user=user)
        return Response(status=204)


class OrgUserPasswordView(OrgApiView):
    @extend_schema(
        tags=TAG,
        summary="Change user password",
        description="Your own password only (also at POST /me/password), with the current one and a sign-in less "
        "than 15 minutes old; your other logins end.",
        request=us.PasswordChangeSerializer,
        responses={204: None},
    )
    def post(self, request: Request, user: str) -> Response:
        data = us.PasswordChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # Oneself needs no permission to view users; anyone else must at least be someone the caller can see.
        me = self.principal.user
        subject = (
            me if me is not None and me.pk == user else selectors.org_user_get(principal=self.principal, user_id=user)
        )
        password_change(
            principal=self.principal,
            user=subject,
            current=data.validated_data["currentPassword"],
            new=data.validated_data["newPassword"],
            remote_ip=client_ip(request),
        )
        return Response(status=204)


class OrgUserPasswordResetView(OrgApiView):
    @extend_schema(
        tags=TAG,
        summary="Reset user password",
        description="Returns a temporary password (shown once) valid 24 hours that must be changed at first use; "
        "the user's logins end. Needs a sign-in less than 15 minutes old.",
        request=None,
        responses={200: us.TemporaryPasswordSerializer},
    )
    def post(self, request: Request, user: str) -> Response:
        user = selectors.org_user_get(principal=self.principal, user_id=user)
        password = org_users.org_user_password_reset(principal=self.principal, user=user)
        return Response(us.TemporaryPasswordSerializer({"password": password}).data)
