from django import forms

from apps.core.console import add_service_error
from apps.core.errors import ApplicationError

WIRE_TO_FIELD = {
    "name": "name",
    "configWrite.oidc.issuer": "issuer",
    "configWrite.oidc.clientId": "client_id",
    "configWrite.oidc.clientSecret": "client_secret",
    "configWrite.oidc.scopes": "scopes",
    "clientSecret": "client_secret",
    "allowedEmailDomains": "allowed_email_domains",
    "providerUrl": "provider_url",
    "initialAccessToken": "initial_access_token",
}


def words(value: str) -> list[str]:
    return value.replace(",", " ").split()


class IdentityProviderForm(forms.Form):
    """Issuer and client of a provider; the same fields as configWrite.oidc on the API."""

    name = forms.CharField(max_length=200, help_text="Shown on the sign-in button.")
    issuer = forms.CharField(label="Issuer URL", max_length=500)
    client_id = forms.CharField(label="Client ID", max_length=255)
    client_secret = forms.CharField(label="Client secret", widget=forms.PasswordInput(render_value=False))
    scopes = forms.CharField(label="Scopes", initial="openid email profile", help_text="Separated by spaces.")
    allowed_email_domains = forms.CharField(
        label="Allowed email domains",
        required=False,
        help_text="People with these domains join on first sign-in; others need an invitation.",
    )
    enabled = forms.BooleanField(
        label="Offer this provider on the sign-in page",
        required=False,
        initial=True,
        help_text="Saving tests the connection first: a provider that does not answer is not offered.",
    )
    enable_untested = forms.BooleanField(
        label="Offer it anyway, although the connection test failed",
        required=False,
        help_text="People will see a button that may not work.",
    )

    def __init__(self, *args, secret_required: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not secret_required:
            # Editing: an empty secret keeps the stored one (rotation has its own form).
            del self.fields["client_secret"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            "name": data["name"],
            "issuer": data["issuer"],
            "client_id": data["client_id"],
            "scopes": words(data["scopes"]),
            "allowed_email_domains": words(data["allowed_email_domains"]),
            "enabled": data["enabled"],
            "enable_untested": data["enable_untested"],
        }
        if "client_secret" in data:
            kwargs["client_secret"] = data["client_secret"]
        return kwargs


class RotateSecretForm(forms.Form):
    client_secret = forms.CharField(label="New client secret", widget=forms.PasswordInput(render_value=False))


class AutoSetupForm(forms.Form):
    name = forms.CharField(max_length=200)
    provider_url = forms.CharField(
        label="Provider URL", max_length=500, help_text="The issuer, e.g. https://sso.example.com/realms/acme"
    )
    initial_access_token = forms.CharField(
        label="Initial access token", required=False, widget=forms.PasswordInput(render_value=False)
    )


def add_service_errors(form: forms.Form, exc: ApplicationError) -> None:
    """A service's error on an SSO form (wire names mapped by WIRE_TO_FIELD)."""
    add_service_error(
        form, exc, WIRE_TO_FIELD, top_codes=("address_not_allowed", "reauth_required", "registration_failed")
    )
