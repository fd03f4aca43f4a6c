"""Users of the organization, as its administrators manage them."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.pagination import marker_page, serialize_page
from apps.core.errors import Forbidden
from apps.identity import selectors
from apps.identity.api.serializers import users as us
from apps.identity.services import org_users
from apps.identity.services.users import password_change
from apps.org.api.base import OrgApiView

TAG = ["identity"]


class OrgUsersView(OrgApiView):
    @extend_schema(
        tags=TAG,
        operation_id="org_users_list",
        summary="List users",
        parameters=[us.MarkerQuerySerializer],
        responses={200: us.UserListSerializer},
    )
    def get(self, request: Request) -> Response:
        page = marker_page(selectors.org_users(principal=self.principal), request.query_params)
        return Response(serialize_page(page, lambda u: us.UserSerializer(u).data))

    @extend_schema(
        tags=TAG,
        summary="Create a user",
        description="Creates the account as a member of this organization and emails a link to set a password.",
        request=us.UserWriteSerializer,
        responses={201: us.UserSerializer},
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
        return Response(us.UserSerializer(user).data, status=201)


class OrgUserView(OrgApiView):
    @extend_schema(tags=TAG, summary="Describe a user", responses={200: us.UserSerializer})
    def get(self, request: Request, user: str) -> Response:
        return Response(us.UserSerializer(selectors.org_user_get(principal=self.principal, user_id=user)).data)

    @extend_schema(
        tags=TAG,
        summary="Update a user",
        request=us.UserWriteSerializer(partial=True),
        responses={200: us.UserSerializer},
    )
    def patch(self, request: Request, user: str) -> Response:
        user = selectors.org_user_get(principal=self.principal, user_id=user)
        data = us.UserWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = org_users.org_user_update(principal=self.principal, user=user, **data.validated_data)
        return Response(us.UserSerializer(user).data)

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
        description="Deletes the user's authenticator and recovery codes, forgets trusted devices, ends all logins.",
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
        description="Your own password only, with the current one; your other logins end.",
        request=us.PasswordChangeSerializer,
        responses={204: None},
    )
    def post(self, request: Request, user: str) -> Response:
        user = selectors.org_user_get(principal=self.principal, user_id=user)
        data = us.PasswordChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if user.pk != self.principal.id:
            raise Forbidden("You can change only your own password; administrators use password/reset.")
        password_change(
            user=user,
            login=self.principal.credential,
            current=data.validated_data["currentPassword"],
            new=data.validated_data["newPassword"],
            remote_ip=request.META.get("REMOTE_ADDR"),
        )
        return Response(status=204)


class OrgUserPasswordResetView(OrgApiView):
    @extend_schema(
        tags=TAG,
        summary="Reset user password",
        description="Returns a temporary password (shown once) valid 24 hours that must be changed at first use; "
        "the user's logins end.",
        request=None,
        responses={200: us.TemporaryPasswordSerializer},
    )
    def post(self, request: Request, user: str) -> Response:
        user = selectors.org_user_get(principal=self.principal, user_id=user)
        password = org_users.org_user_password_reset(principal=self.principal, user=user)
        return Response(us.TemporaryPasswordSerializer({"password": password}).data)
