from django import forms

from apps.core.context_processors import timezone_names

PASSWORD_MAX = 256


def _password(autocomplete: str, label: str = "Password") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=PASSWORD_MAX,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete, "required": True}),
    )


def _email(autofocus: bool = True) -> forms.EmailField:
    attrs = {"autocomplete": "username", "required": True}
    if autofocus:
        attrs["autofocus"] = True
    return forms.EmailField(max_length=254, widget=forms.EmailInput(attrs=attrs))


class LoginForm(forms.Form):
    email = _email()
    password = _password("current-password")


class EmailForm(forms.Form):
    email = _email()


class AddEmailForm(forms.Form):
    # On the profile page, among other forms: it must not take the focus when the page opens.
    email = _email(autofocus=False)


class PreferencesForm(forms.Form):
    theme = forms.ChoiceField(
        label="Theme",
        choices=[("system", "Follow the system"), ("light", "Light"), ("dark", "Dark")],
        widget=forms.RadioSelect,
    )
    timezone = forms.ChoiceField(
        label="Timezone", required=False, help_text="Times show in this timezone; hover a time to see it exactly."
    )

    def __init__(self, *args, detected: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        browser = f"The browser's ({detected})" if detected else "The browser's"
        self.fields["timezone"].choices = [("", browser), *((name, name) for name in sorted(timezone_names()))]


class SignupForm(forms.Form):
    email = _email()
    password = _password("new-password")
    given_name = forms.CharField(label="Given name", max_length=150, required=False)
    family_name = forms.CharField(label="Family name", max_length=150, required=False)
    organization_name = forms.CharField(
        label="Organization", max_length=200, required=False, help_text="Creates an organization you own."
    )


class NewPasswordForm(forms.Form):
    new_password = _password("new-password", "New password")


class ChallengeForm(forms.Form):
    METHODS = [("totp", "Authenticator app"), ("recovery_code", "Recovery code"), ("email_code", "Emailed code")]

    method = forms.ChoiceField(label="Method", choices=METHODS, initial="totp")
    code = forms.CharField(
        label="Code",
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "required": True}),
    )
    trust_device = forms.BooleanField(label="Trust this device for 30 days", required=False)


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "required": True}),
    )


class ReauthForm(forms.Form):
    password = _password("current-password")


class PasswordChangeForm(forms.Form):
    password = _password("current-password", "Current password")
    new_password = _password("new-password", "New password")


class ProfileForm(forms.Form):
    given_name = forms.CharField(label="Given name", max_length=150, required=False)
    family_name = forms.CharField(label="Family name", max_length=150, required=False)
    display_name = forms.CharField(label="Display name", max_length=300, required=False)


class UserForm(ProfileForm):
    email = forms.EmailField(max_length=254)
    field_order = ["email", "given_name", "family_name", "display_name"]


class ServiceAccountForm(forms.Form):
    username = forms.RegexField(
        regex=r"^[a-z0-9][a-z0-9._-]*$",
        max_length=100,
        help_text="Lower-case letters, digits, dots, dashes, underscores.",
    )
    description = forms.CharField(max_length=2000, required=False)


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=100, required=False)
    expires_at = forms.DateTimeField(
        label="Expires at (UTC)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Leave empty for a key that does not expire.",
    )


class AcceptInvitationForm(forms.Form):
    given_name = forms.CharField(max_length=150, required=False, label="Given name")
    family_name = forms.CharField(max_length=150, required=False, label="Family name")
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), max_length=256, strip=False
    )
