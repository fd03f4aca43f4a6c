from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from apps.core.api.base import ApiView
from apps.core.api.serializers import ErrorSerializer
from apps.identity.api.serializers.auth import LoginResponseSerializer, LoginSerializer
from apps.identity.models import Login
from apps.identity.selectors import organizations_of
from apps.identity.services.authentication import password_login
from apps.identity.services.logins import login_revoke


class LoginThrottle(AnonRateThrottle):
    scope = "login"
    rate = "20/min"


def client_ip(request: Request) -> str | None:
    return request.META.get("REMOTE_ADDR")


class LoginView(ApiView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginThrottle]

    @extend_schema(
        tags=["authentication"],
        summary="Log in with email and password",
        request=LoginSerializer,
        responses={200: LoginResponseSerializer, 400: ErrorSerializer, 401: ErrorSerializer, 429: ErrorSerializer},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = LoginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        login, token = password_login(
            email=data.validated_data["email"],
            password=data.validated_data["password"],
            remote_ip=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
            device_id=data.validated_data["deviceId"],
        )
        body = {
            "token": token,
            "expiresAt": login.expires_at,
            "loginId": login.pk,
            "user": login.user,
            "organizations": organizations_of(login.user),
        }
        return Response(LoginResponseSerializer(body).data)


class LogoutView(ApiView):
    @extend_schema(
        tags=["authentication"],
        summary="Log out (revoke the calling login)",
        request=None,
        responses={204: None, 401: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, Login):
            login_revoke(login=request.auth)
        return Response(status=204)
