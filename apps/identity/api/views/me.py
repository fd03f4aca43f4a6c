"""The caller's own account: profile, password, emails, logins, trusted devices, MFA."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.pagination import marker_page, serialize_page
from apps.core.client_ip import client_ip
from apps.core.errors import Forbidden, NotFound
from apps.identity import selectors
from apps.identity.api.serializers import mfa as ms
from apps.identity.api.serializers import users as us
from apps.identity.api.serializers.auth import OrganizationListSerializer
from apps.identity.models import User
from apps.identity.services import accounts, mfa, users
from apps.org.api.base import ApiView
from apps.org.models import Organization


class UserApiView(ApiView):
    """Endpoints about the calling person: service accounts have no profile, logins or MFA."""

    def me(self) -> User:
        if self.principal.user is None:
            raise Forbidden("Only users have this; service accounts authenticate with API keys.")
        return self.principal.user


class MeView(ApiView):
    def body(self) -> dict:
        return {"root": None, "user": self.principal.user, "service_account": self.principal.service_account}

    @extend_schema(tags=["identity"], summary="Get current user profile", responses={200: us.MeSerializer})
    def get(self, request: Request) -> Response:
        return Response(us.MeSerializer(self.body()).data)

    @extend_schema(
        tags=["identity"],
        summary="Update my profile",
        description="Changing `email` needs a sign-in less than 15 minutes old and an address you verified.",
        request=us.UserWriteSerializer(partial=True),
        responses={200: us.MeSerializer},
    )
    def patch(self, request: Request) -> Response:
        if self.principal.user is None:
            raise Forbidden("Service accounts have no profile to change.")
        data = us.UserWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        self.principal.user = accounts.me_update(
            user=self.principal.user, login=self.principal.credential, **data.validated_data
        )
        return Response(us.MeSerializer(self.body()).data)


class MyPasswordView(UserApiView):
    @extend_schema(
        tags=["identity"],
        summary="Change my password",
        description="Needs the current password and a sign-in less than 15 minutes old (POST /auth/reauth); "
        "every other login of the account ends, this one stays.",
        request=us.PasswordChangeSerializer,
        responses={204: None},
    )
    def post(self, request: Request) -> Response:
        data = us.PasswordChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        users.password_change(
            principal=self.principal,
            user=self.me(),
            current=data.validated_data["currentPassword"],
            new=data.validated_data["newPassword"],
            remote_ip=client_ip(request),
        )
        return Response(status=204)


class MyOrganizationsView(ApiView):
    @extend_schema(
        tags=["identity"], summary="List the organizations I belong to", responses={200: OrganizationListSerializer}
    )
    def get(self, request: Request) -> Response:
        if self.principal.user is not None:
            orgs = list(selectors.organizations_of(self.principal.user))
        else:
            orgs = [Organization.objects.get(pk=self.principal.service_account.organization_id)]
        return Response(OrganizationListSerializer({"items": orgs}).data)


class MyEmailsView(UserApiView):
    @extend_schema(
        tags=["identity"],
        summary="List my email addresses",
        parameters=[us.MarkerQuerySerializer],
        responses={200: us.UserEmailListSerializer},
    )
    def get(self, request: Request) -> Response:
        page = marker_page(selectors.my_emails(user=self.me()), request.query_params)
        return Response(serialize_page(page, lambda e: us.UserEmailSerializer(e).data))

    @extend_schema(
        tags=["identity"],
        summary="Add an email address",
        description="Sends a verification link to the address.",
        request=us.EmailAddSerializer,
        responses={201: us.UserEmailSerializer},
    )
    def post(self, request: Request) -> Response:
        data = us.EmailAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        address = accounts.email_add(user=self.me(), email=data.validated_data["email"])
        return Response(us.UserEmailSerializer(address).data, status=201)


class MyLoginsView(UserApiView):
    @extend_schema(tags=["identity"], summary="List my logins", responses={200: us.LoginListSerializer})
    def get(self, request: Request) -> Response:
        current = getattr(self.principal.credential, "pk", None)
        logins = list(selectors.my_logins(user=self.me()))
        for login in logins:
            login.is_current = login.pk == current
        return Response(us.LoginListSerializer({"items": logins}).data)


class MyLoginView(UserApiView):
    @extend_schema(tags=["identity"], summary="Revoke a login", responses={204: None})
    def delete(self, request: Request, loginId: str) -> Response:
        accounts.login_revoke_own(user=self.me(), login_id=loginId)
        return Response(status=204)


class MyTrustedDevicesView(UserApiView):
    @extend_schema(
        tags=["identity"], summary="List my trusted devices", responses={200: us.TrustedDeviceListSerializer}
    )
    def get(self, request: Request) -> Response:
        devices = selectors.my_trusted_devices(user=self.me())
        return Response(us.TrustedDeviceListSerializer({"items": devices}).data)


class MyTrustedDeviceView(UserApiView):
    @extend_schema(tags=["identity"], summary="Revoke a trusted device", responses={204: None})
    def delete(self, request: Request, trustedDeviceId: str) -> Response:
        device = selectors.my_trusted_devices(user=self.me()).filter(pk=trustedDeviceId).first()
        if device is None:
            raise NotFound("Trusted device not found.")
        mfa.trusted_device_revoke(device=device)
        return Response(status=204)


class MyMfaView(UserApiView):
    @extend_schema(tags=["mfa"], summary="Describe my MFA setup", responses={200: ms.MfaStatusSerializer})
    def get(self, request: Request) -> Response:
        user = self.me()
        body = {"totpEnabled": mfa.mfa_enabled(user), "recoveryCodesRemaining": mfa.recovery_codes_remaining(user)}
        return Response(ms.MfaStatusSerializer(body).data)

    @extend_schema(
        tags=["mfa"],
        summary="Reset my MFA",
        description="Deletes the authenticator and recovery codes, forgets trusted devices and ends every login "
        "(this one too). Needs a sign-in less than 15 minutes old.",
        responses={204: None},
    )
    def delete(self, request: Request) -> Response:
        mfa.mfa_reset(user=self.me(), credential=self.principal.credential)
        return Response(status=204)


class TotpEnrollView(UserApiView):
    @extend_schema(
        tags=["mfa"],
        summary="Start authenticator (TOTP) enrollment",
        description="Returns a new secret once; MFA turns on when a code is confirmed. Needs a sign-in less than "
        "15 minutes old.",
        request=None,
        responses={201: ms.TotpEnrollmentSerializer},
    )
    def post(self, request: Request) -> Response:
        enrollment = mfa.totp_enroll_start(user=self.me(), credential=self.principal.credential)
        body = {"secret": enrollment.secret, "otpauthUri": enrollment.otpauth_uri, "qrSvg": enrollment.qr_svg}
        return Response(ms.TotpEnrollmentSerializer(body).data, status=201)


class TotpConfirmView(UserApiView):
    @extend_schema(
        tags=["mfa"],
        summary="Confirm authenticator enrollment with a code",
        description="Turns MFA on and returns the first ten recovery codes (shown once). Needs a sign-in less than "
        "15 minutes old.",
        request=ms.CodeSerializer,
        responses={200: ms.RecoveryCodesSerializer},
    )
    def post(self, request: Request) -> Response:
        data = ms.CodeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        codes = mfa.totp_enroll_confirm(
            user=self.me(), credential=self.principal.credential, code=data.validated_data["code"]
        )
        return Response(ms.RecoveryCodesSerializer({"recoveryCodes": codes}).data)


class RecoveryCodesView(UserApiView):
    @extend_schema(
        tags=["mfa"],
        summary="Generate new recovery codes",
        description="Ten new single-use codes, shown once; the previous ones stop working. Needs a sign-in less "
        "than 15 minutes old.",
        request=None,
        responses={201: ms.RecoveryCodesSerializer},
    )
    def post(self, request: Request) -> Response:
        codes = mfa.recovery_codes_generate(user=self.me(), credential=self.principal.credential)
        return Response(ms.RecoveryCodesSerializer({"recoveryCodes": codes}).data, status=201)
