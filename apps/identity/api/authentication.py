"""Bearer tokens (user logins and service-account API keys) and console sessions."""

from typing import Any

from django.http import HttpRequest
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from apps.identity.services import logins


class BearerAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = request.headers.get("Authorization", "")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationFailed("The Authorization header must be 'Bearer <token>'.")
        token = token.strip()
        if token.startswith(logins.API_KEY_PREFIX):
            key = logins.api_key_authenticate(token)
            if key is None:
                raise AuthenticationFailed("The API key is not valid, expired or revoked.")
            return key.service_account, key
        login = logins.login_authenticate(token)
        if login is None:
            raise AuthenticationFailed("The token is not valid, expired or revoked.")
        return login.user, login

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class ConsoleSessionAuthentication(SessionAuthentication):
    """The console's own session, with CSRF enforced; the session's Login row is its credential."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        django_request: HttpRequest = request._request
        return result[0], getattr(django_request, "console_login", None)
