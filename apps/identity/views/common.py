"""Helpers shared by the identity console pages."""

from django import forms
from django.http import HttpRequest

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
    """Show a service's error on the form: on its fields when it names them, else at the top."""
    placed = False
    for wire, message in exc.field_errors.items():
        name = FORM_FIELDS.get(wire)
        if name in form.fields:
            form.add_error(name, message)
            placed = True
    if not placed or exc.code in ("too_many_attempts", "invalid_credentials", "invalid_code"):
        form.add_error(None, exc.message)


def client_of(request: HttpRequest) -> Client:
    from apps.identity.trusted_cookie import read_trusted_device_cookie

    return Client(
        remote_ip=request.META.get("REMOTE_ADDR"),
        user_agent=request.headers.get("User-Agent", ""),
        trusted_device_token=read_trusted_device_cookie(request),
    )
