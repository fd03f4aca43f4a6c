"""The trusted-device cookie: HttpOnly, 30 days, sent by browsers on later logins (API clients send the token)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from apps.identity.services.mfa import TRUSTED_DEVICE_DAYS

COOKIE_NAME = "lakesail_trusted_device"


def read_trusted_device_cookie(request: HttpRequest) -> str | None:
    return request.COOKIES.get(COOKIE_NAME)


def set_trusted_device_cookie(response: HttpResponse, token: str) -> None:
    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=TRUSTED_DEVICE_DAYS * 24 * 3600,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )
