"""Public sign-in endpoints (tag `authentication`) and the two that need a login (logout, reauth)."""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.client_ip import client_ip
from apps.core.errors import Forbidden
from apps.identity.api.serializers import auth as s
from apps.identity.api.serializers.users import UserEmailSerializer
from apps.identity.models import Login
from apps.identity.selectors import organizations_of
from apps.identity.services import accounts, authentication, users
from apps.identity.services.authentication import Client, LoginOutcome
from apps.identity.services.logins import login_revoke
from apps.identity.trusted_cookie import read_trusted_device_cookie, set_trusted_device_cookie
from apps.org.api.base import ApiView

TAG = ["authentication"]


def client_of(request: Request, data: dict | None = None) -> Client:
    data = data or {}
    return Client(
        remote_ip=client_ip(request),
        user_agent=request.headers.get("User-Agent", ""),
        device_id=data.get("deviceId", ""),
        trusted_device_token=data.get("trustedDeviceToken") or read_trusted_device_cookie(request),
    )


def outcome_response(outcome: LoginOutcome) -> Response:
    if outcome.login is None:
        body = {
            "challengeId": outcome.challenge_token,
            "mfaRequired": outcome.mfa_required,
            "passwordChangeRequired": outcome.password_change_required,
            "methods": outcome.methods,
            "expiresAt": outcome.challenge_expires_at,
        }
        return Response(s.ChallengeSerializer(body).data)
    body = {
        "token": outcome.token,
        "expiresAt": outcome.login.expires_at,
        "loginId": outcome.login.pk,
        "user": outcome.login.user,
        "organizations": organizations_of(outcome.login.user),
    }
    if outcome.trusted_device_token:
        body["trustedDeviceToken"] = outcome.trusted_device_token
    response = Response(s.LoginResponseSerializer(body).data)
    if outcome.trusted_device_token:
        set_trusted_device_cookie(response, outcome.trusted_device_token)
    return response


class PublicView(ApiView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def valid(self, serializer_class: type, request: Request) -> dict:
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data


class LoginView(PublicView):
    @extend_schema(
        tags=TAG,
        summary="Log in with email and password",
        description="Answers a login token, or a challenge when the account needs MFA or a new password. An "
        "organization requiring verified addresses refuses an unverified one with 403 email_verification_required "
        "(POST /auth/email/resend sends a new link).",
        request=s.LoginSerializer,
        responses={200: s.LoginOutcomeSerializer},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = self.valid(s.LoginSerializer, request)
        outcome = authentication.password_login(
            email=data["email"], password=data["password"], client=client_of(request, data)
        )
        return outcome_response(outcome)


class EmailCodeLoginView(PublicView):
    @extend_schema(
        tags=TAG,
        summary="Log in with a one-time code sent by email (step 1: send the code)",
        description="Always answers a challenge, whether the account exists or not; verify the code at "
        "/auth/challenge/verify with method email_code.",
        request=s.EmailSerializer,
        responses={200: s.ChallengeSerializer},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = self.valid(s.EmailSerializer, request)
        return outcome_response(authentication.email_code_login_start(email=data["email"], client=client_of(request)))


class ChallengeVerifyView(PublicView):
    @extend_schema(
        tags=TAG,
        summary="Answer a sign-in challenge with a TOTP, recovery or emailed code",
        description="Five wrong codes end the challenge. With trustDevice, the response carries a trusted-device "
        "token (also set as a cookie) that skips MFA for 30 days.",
        request=s.ChallengeVerifySerializer,
        responses={200: s.LoginOutcomeSerializer},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = self.valid(s.ChallengeVerifySerializer, request)
        outcome = authentication.challenge_verify(
            challenge_token=data["challengeId"],
            method=data["method"],
            code=data["code"],
            client=client_of(request, data),
            trust_device=data["trustDevice"],
        )
        return outcome_response(outcome)


class ChallengeSendCodeView(PublicView):
    @extend_schema(
        tags=TAG,
        summary="Email a one-time code for a pending challenge (at most once a minute)",
        description="Answers the same for every challenge, whether its account exists or not.",
        request=s.ChallengeRefSerializer,
        responses={204: None},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = self.valid(s.ChallengeRefSerializer, request)
        authentication.challenge_send_code(challenge_token=data["challengeId"], client=client_of(request))
        return Response(status=204)


class ChallengePasswordView(PublicView):
    @extend_schema(
        tags=TAG,
        summary="Replace a temporary password during sign-in",
        request=s.ChallengePasswordSerializer,
        responses={200: s.LoginOutcomeSerializer},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = self.valid(s.ChallengePasswordSerializer, request)
        outcome = authentication.challenge_change_password(
            challenge_token=data["challengeId"], new_password=data["newPassword"], client=client_of(request)
        )
        return outcome_response(outcome)


class SignupView(PublicView):
    @extend_schema(
        tags=TAG,
        summary="Sign up",
        description="Creates an account (and an organization it owns when organizationName is given) and emails "
        "a verification link; log in afterwards. The answer is the same when the address already has an account "
        "(nothing is created; its owner is emailed that someone tried).",
        request=s.SignupSerializer,
        responses={202: s.SignupResponseSerializer},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = self.valid(s.SignupSerializer, request)
        accounts.signup(
            email=data["email"],
            password=data["password"],
            given_name=data["givenName"],
            family_name=data["familyName"],
            organization_name=data["organizationName"],
            remote_ip=client_ip(request),
        )
        return Response(s.SignupResponseSerializer({"email": data["email"].strip().lower()}).data, status=202)


class EmailVerifyView(PublicView):
    @extend_schema(
        tags=TAG,
        summary="Verify an email address with the token from the emailed link",
        request=s.TokenSerializer,
        responses={200: UserEmailSerializer},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = self.valid(s.TokenSerializer, request)
        return Response(UserEmailSerializer(accounts.email_verify(token=data["token"])).data)


class EmailVerificationResendView(PublicView):
    @extend_schema(
        tags=TAG,
        summary="Email a new verification link",
        description="For an account whose login address is not verified yet (an organization may require it to "
        "log in: `email_verification_required`). Answers 202 whether or not there is such an account.",
        request=s.EmailSerializer,
        responses={202: None},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = self.valid(s.EmailSerializer, request)
        accounts.email_verification_resend(email=data["email"], remote_ip=client_ip(request))
        return Response(status=202)


class PasswordForgotView(PublicView):
    @extend_schema(
        tags=TAG,
        summary="Email a password reset link",
        description="Answers 202 whether or not the account exists.",
        request=s.EmailSerializer,
        responses={202: None},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = self.valid(s.EmailSerializer, request)
        users.password_forgot(email=data["email"], remote_ip=client_ip(request))
        return Response(status=202)


class PasswordResetView(PublicView):
    @extend_schema(
        tags=TAG,
        summary="Set a new password with the token from the emailed link",
        description="The link works once; every login of the account ends.",
        request=s.PasswordResetSerializer,
        responses={204: None},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = self.valid(s.PasswordResetSerializer, request)
        users.password_reset_confirm(token=data["token"], password=data["newPassword"])
        return Response(status=204)


class LogoutView(ApiView):
    @extend_schema(
        tags=TAG,
        summary="Log out (revoke the calling login)",
        request=None,
        responses={204: None},
    )
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, Login):
            login_revoke(login=request.auth)
        return Response(status=204)


class ReauthView(ApiView):
    @extend_schema(
        tags=TAG,
        summary="Confirm your identity again (password or authenticator code)",
        description="Sensitive actions (MFA changes, login-email and password changes, creating API keys) need a "
        "sign-in less than 15 minutes old; this refreshes it.",
        request=s.ReauthSerializer,
        responses={200: s.ReauthResponseSerializer},
    )
    def post(self, request: Request) -> Response:
        data = s.ReauthSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not isinstance(request.auth, Login):
            raise Forbidden("Only a signed-in user can re-authenticate.")
        login = authentication.reauthenticate(
            login=request.auth,
            password=data.validated_data["password"],
            code=data.validated_data["code"],
            client=client_of(request),
        )
        return Response(s.ReauthResponseSerializer({"authTime": login.auth_time}).data)
