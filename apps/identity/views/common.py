"""Helpers shared by the identity console pages."""

from django import forms
from django.http import HttpRequest

from apps.core.client_ip import client_ip
from apps.core.console import add_service_error
from apps.core.errors import ApplicationError
from apps.identity.services.authentication import Client

# Wire field names (what services put in field_errors) → console form field names.
FORM_FIELDS = {
    "email": "email",
    "password": "password",
    "newPassword": "new_password",
    "currentPassword": "password",
    "code": "code",
    "username": "username",
    "description": "description",
    "expiresAt": "expires_at",
    "givenName": "given_name",
    "familyName": "family_name",
    "displayName": "display_name",
}


def form_error(form: forms.Form, exc: ApplicationError) -> None:
    """A service's error on an identity form (wire names mapped by FORM_FIELDS)."""
    add_service_error(form, exc, FORM_FIELDS, top_codes=("too_many_attempts", "invalid_credentials", "invalid_code"))


def client_of(request: HttpRequest) -> Client:
    from apps.identity.trusted_cookie import read_trusted_device_cookie

    return Client(
        remote_ip=client_ip(request),
        user_agent=request.headers.get("User-Agent", ""),
        trusted_device_token=read_trusted_device_cookie(request),
    )
