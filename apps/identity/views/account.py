"""Profile & security (/identity/): profile, preferences (theme, timezone), emails, MFA, logins and trusted
devices."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.console import add_service_error, console_view, submit, succeeded
from apps.core.context_processors import TIMEZONE_COOKIE, valid_timezone
from apps.core.errors import ApplicationError, NotFound
from apps.identity import forms, selectors
from apps.identity.services import accounts, authentication, mfa, users
from apps.identity.services.reauth import REAUTH_CODE
from apps.identity.views.common import FORM_FIELDS, client_of, form_error
from apps.org.services.preferences import my_preferences_set


def _reauth(request: HttpRequest) -> HttpResponse:
    messages.info(request, "Confirm your password to continue.")
    return redirect(f"{reverse('identity-reauth')}?next={reverse('identity-profile')}")


def _refused(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    """A refused change: to the re-authentication page when the sign-in is too old, else back with the reason."""
    if exc.code == REAUTH_CODE:
        return _reauth(request)
    messages.error(request, exc.message)
    return redirect("identity-profile")


def _preferences_form(request: HttpRequest, data: dict | None = None) -> forms.PreferencesForm:
    member = request.console_member
    chosen = (member.preferences or {}) if member is not None else {}
    return forms.PreferencesForm(
        data,
        detected=valid_timezone(request.COOKIES.get(TIMEZONE_COOKIE)),
        initial={"theme": chosen.get("theme") or "system", "timezone": chosen.get("timezone") or ""},
    )


def _security_context(request: HttpRequest) -> dict:
    user = request.user
    current = getattr(request.console_login, "pk", None)
    logins = list(selectors.my_logins(user=user))
    for login in logins:
        login.is_current = login.pk == current
    return {
        "profile_form": forms.ProfileForm(
            initial={"given_name": user.given_name, "family_name": user.family_name, "display_name": user.display_name}
        ),
        "preferences_form": _preferences_form(request),
        "email_form": forms.AddEmailForm(),
        "password_form": forms.PasswordChangeForm(),
        "emails": selectors.my_emails(user=user),
        "mfa_enabled": mfa.mfa_enabled(user),
        "recovery_codes_remaining": mfa.recovery_codes_remaining(user),
        "logins": logins,
        "trusted_devices": selectors.my_trusted_devices(user=user),
    }


@console_view
@require_GET
def profile_page(request: HttpRequest) -> HttpResponse:
    return render(request, "identity/profile.html", _security_context(request))


@console_view
@require_POST
def profile_update(request: HttpRequest) -> HttpResponse:
    form = forms.ProfileForm(request.POST)
    if form.is_valid():
        accounts.me_update(user=request.user, login=request.console_login, **form.cleaned_data)
        messages.success(request, "Profile saved.")
        return redirect("identity-profile")
    return render(request, "identity/profile.html", {**_security_context(request), "profile_form": form}, status=400)


@console_view
@require_POST
def preferences_update(request: HttpRequest) -> HttpResponse:
    return submit(
        request,
        _preferences_form(request, request.POST),
        lambda data: my_preferences_set(principal=request.principal, theme=data["theme"], timezone=data["timezone"]),
        done=lambda _: succeeded(request, "identity-profile", "Preferences saved."),
        page=lambda form: render(
            request, "identity/profile.html", {**_security_context(request), "preferences_form": form}, status=400
        ),
        errors=lambda form, exc: add_service_error(
            form, exc, {"preferences.theme": "theme", "preferences.timezone": "timezone"}
        ),
    )


@console_view
@require_POST
def email_add(request: HttpRequest) -> HttpResponse:
    form = forms.AddEmailForm(request.POST)
    if form.is_valid():
        try:
            accounts.email_add(user=request.user, email=form.cleaned_data["email"])
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Address added: open the link we sent to verify it.")
            return redirect("identity-profile")
    return render(request, "identity/profile.html", {**_security_context(request), "email_form": form}, status=400)


@console_view
@require_POST
def email_verification_resend(request: HttpRequest, email_id: str) -> HttpResponse:
    try:
        address = accounts.email_verification_resend_own(user=request.user, email_id=email_id)
    except ApplicationError as exc:
        return _refused(request, exc)
    messages.success(request, f"A new verification link was sent to {address.email}.")
    return redirect("identity-profile")


@console_view
@require_POST
def email_make_primary(request: HttpRequest, email_id: str) -> HttpResponse:
    address = selectors.my_emails(user=request.user).filter(pk=email_id).first()
    if address is None:
        raise Http404
    try:
        accounts.me_update(user=request.user, login=request.console_login, email=address.email)
    except ApplicationError as exc:
        return _refused(request, exc)
    messages.success(request, f"You now log in with {address.email}.")
    return redirect("identity-profile")


@console_view
@require_POST
def password_change(request: HttpRequest) -> HttpResponse:
    form = forms.PasswordChangeForm(request.POST)
    if form.is_valid():
        try:
            users.password_change(
                principal=request.principal,
                user=request.user,
                current=form.cleaned_data["password"],
                new=form.cleaned_data["new_password"],
                remote_ip=client_of(request).remote_ip,
            )
        except ApplicationError as exc:
            if exc.code == REAUTH_CODE:
                return _reauth(request)
            form_error(form, exc)
        else:
            update_session_auth_hash(request, request.user)  # the session signs the password hash: keep this one
            messages.success(request, "Password changed. Your other sign-ins ended.")
            return redirect("identity-profile")
    return render(request, "identity/profile.html", {**_security_context(request), "password_form": form}, status=400)


@console_view
@require_http_methods(["GET", "POST"])
def reauth_page(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("identity-profile")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("identity-profile")
    form = forms.ReauthForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            authentication.reauthenticate(
                login=request.console_login, password=form.cleaned_data["password"], client=client_of(request)
            )
        except ApplicationError as exc:
            form.add_error("password", exc.message)
        else:
            messages.success(request, "Confirmed. You can do that now.")
            return redirect(next_url)
    return render(request, "identity/reauth.html", {"form": form, "next": next_url})


@console_view
@require_POST
def totp_start(request: HttpRequest) -> HttpResponse:
    try:
        enrollment = mfa.totp_enroll_start(user=request.user, credential=request.console_login)
    except ApplicationError as exc:
        return _refused(request, exc)
    return render(request, "identity/mfa_enroll.html", {"enrollment": enrollment, "form": forms.CodeForm()})


@console_view
@require_POST
def totp_confirm(request: HttpRequest) -> HttpResponse:
    form = forms.CodeForm(request.POST)
    if form.is_valid():
        try:
            codes = mfa.totp_enroll_confirm(
                user=request.user, credential=request.console_login, code=form.cleaned_data["code"]
            )
        except ApplicationError as exc:
            if exc.code == REAUTH_CODE:
                return _reauth(request)
            add_service_error(form, exc, FORM_FIELDS)  # on the code field only: the form has nothing else
        else:
            messages.success(request, "Two-factor authentication is on.")
            return render(request, "identity/recovery_codes.html", {"codes": codes})
    enrollment = mfa.totp_enrollment_pending(user=request.user)
    if enrollment is None:
        return redirect("identity-profile")
    return render(request, "identity/mfa_enroll.html", {"enrollment": enrollment, "form": form}, status=400)


@console_view
@require_POST
def recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    try:
        codes = mfa.recovery_codes_generate(user=request.user, credential=request.console_login)
    except ApplicationError as exc:
        return _refused(request, exc)
    return render(request, "identity/recovery_codes.html", {"codes": codes})


@console_view
@require_POST
def mfa_reset(request: HttpRequest) -> HttpResponse:
    try:
        mfa.mfa_reset(user=request.user, credential=request.console_login)
    except ApplicationError as exc:
        return _refused(request, exc)
    # That ended this session's login too: the middleware logs out on the next request.
    messages.info(request, "Two-factor authentication was removed and every sign-in ended. Log in again.")
    return redirect("login")


@console_view
@require_POST
def login_revoke(request: HttpRequest, login_id: str) -> HttpResponse:
    try:
        accounts.login_revoke_own(user=request.user, login_id=login_id)
    except NotFound as exc:
        raise Http404 from exc
    messages.success(request, "Login revoked.")
    return redirect("identity-profile")


@console_view
@require_POST
def trusted_device_revoke(request: HttpRequest, device_id: str) -> HttpResponse:
    device = selectors.my_trusted_devices(user=request.user).filter(pk=device_id).first()
    if device is None:
        raise Http404
    mfa.trusted_device_revoke(device=device)
    messages.success(request, "Device forgotten: it will be asked for a second factor again.")
    return redirect("identity-profile")
