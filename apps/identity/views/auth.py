"""Public console pages: log in (password, emailed code, SSO), MFA challenge, sign-up, email
verification, forgotten and temporary passwords. Each calls the service the API calls."""

from django.contrib import messages
from django.contrib.auth import logout as django_logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.errors import ApplicationError
from apps.identity import forms
from apps.identity.models import Login
from apps.identity.services import accounts, authentication, users
from apps.identity.services.authentication import LoginOutcome
from apps.identity.services.logins import login_revoke
from apps.identity.sessions import console_session_start
from apps.identity.sso.selectors import login_providers
from apps.identity.trusted_cookie import set_trusted_device_cookie
from apps.identity.views.common import client_of, form_error

CHALLENGE_KEY = "login_challenge"
CHALLENGE_METHODS_KEY = "login_challenge_methods"
NEXT_KEY = "login_next"


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or request.session.get(NEXT_KEY) or "/"
    return wanted if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}) else "/"


def _continue(request: HttpRequest, outcome: LoginOutcome) -> HttpResponse:
    """Open the console session, or go to the page of the pending step."""
    if outcome.login is not None:
        next_url = _next_url(request)
        for key in (CHALLENGE_KEY, CHALLENGE_METHODS_KEY, NEXT_KEY):
            request.session.pop(key, None)
        console_session_start(request, outcome.login)
        response = redirect(next_url)
        if outcome.trusted_device_token:
            set_trusted_device_cookie(response, outcome.trusted_device_token)
        return response
    request.session[CHALLENGE_KEY] = outcome.challenge_token
    request.session[CHALLENGE_METHODS_KEY] = outcome.methods
    request.session[NEXT_KEY] = _next_url(request)
    if outcome.password_change_required:
        return redirect("login-new-password")
    return redirect("login-verify")


@require_http_methods(["GET", "POST"])
def login_page(request: HttpRequest) -> HttpResponse:
    form = forms.LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = authentication.password_login(
                email=form.cleaned_data["email"], password=form.cleaned_data["password"], client=client_of(request)
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return _continue(request, outcome)
    context = {
        "form": form,
        "next": _next_url(request),
        "sso_providers": login_providers(org_slug=request.GET.get("org")),
    }
    return render(request, "identity/login.html", context)


@require_http_methods(["GET", "POST"])
def login_code_page(request: HttpRequest) -> HttpResponse:
    form = forms.EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = authentication.email_code_login_start(email=form.cleaned_data["email"], client=client_of(request))
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.info(request, "If the address has an account, a code is on its way.")
            return _continue(request, outcome)
    return render(request, "identity/login_code.html", {"form": form, "next": _next_url(request)})


@require_http_methods(["GET", "POST"])
def login_verify_page(request: HttpRequest) -> HttpResponse:
    token = request.session.get(CHALLENGE_KEY)
    methods = request.session.get(CHALLENGE_METHODS_KEY) or []
    if not token:
        return redirect("login")
    form = forms.ChallengeForm(request.POST or None, initial={"method": methods[0] if methods else "totp"})
    form.fields["method"].choices = [c for c in forms.ChallengeForm.METHODS if c[0] in methods]
    if request.method == "POST" and "send_code" in request.POST:
        try:
            authentication.challenge_send_code(challenge_token=token)
            messages.success(request, "A code was sent to your email address.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("login-verify")
    if request.method == "POST" and form.is_valid():
        try:
            outcome = authentication.challenge_verify(
                challenge_token=token,
                method=form.cleaned_data["method"],
                code=form.cleaned_data["code"],
                client=client_of(request),
                trust_device=form.cleaned_data["trust_device"],
            )
        except ApplicationError as exc:
            if exc.code == "challenge_invalid":
                messages.error(request, exc.message)
                return redirect("login")
            form_error(form, exc)
        else:
            return _continue(request, outcome)
    email_only = methods == ["email_code"]
    return render(request, "identity/login_verify.html", {"form": form, "email_only": email_only, "methods": methods})


@require_http_methods(["GET", "POST"])
def login_new_password_page(request: HttpRequest) -> HttpResponse:
    token = request.session.get(CHALLENGE_KEY)
    if not token:
        return redirect("login")
    form = forms.NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = authentication.challenge_change_password(
                challenge_token=token, new_password=form.cleaned_data["new_password"], client=client_of(request)
            )
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            return _continue(request, outcome)
    return render(request, "identity/login_new_password.html", {"form": form})


@require_POST
def logout_page(request: HttpRequest) -> HttpResponse:
    login = getattr(request, "console_login", None)
    if isinstance(login, Login):
        login_revoke(login=login)
    django_logout(request)
    messages.info(request, "You have been logged out.")
    return redirect("login")


@require_http_methods(["GET", "POST"])
def signup_page(request: HttpRequest) -> HttpResponse:
    form = forms.SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.signup(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                given_name=form.cleaned_data["given_name"],
                family_name=form.cleaned_data["family_name"],
                organization_name=form.cleaned_data["organization_name"],
            )
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Account created. We sent you a link to verify your email; you can log in now.")
            return redirect("login")
    return render(request, "identity/signup.html", {"form": form})


def verify_email_page(request: HttpRequest) -> HttpResponse:
    try:
        address = accounts.email_verify(token=request.GET.get("token", ""))
    except ApplicationError as exc:
        return render(request, "identity/verify_email.html", {"error": exc.message}, status=400)
    return render(request, "identity/verify_email.html", {"address": address})


@require_http_methods(["GET", "POST"])
def forgot_password_page(request: HttpRequest) -> HttpResponse:
    form = forms.EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        users.password_forgot(email=form.cleaned_data["email"])
        messages.info(request, "If the address has an account, a reset link is on its way.")
        return redirect("login")
    return render(request, "identity/forgot_password.html", {"form": form})


@require_http_methods(["GET", "POST"])
def reset_password_page(request: HttpRequest) -> HttpResponse:
    token = request.POST.get("token") or request.GET.get("token", "")
    form = forms.NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            users.password_reset_confirm(token=token, password=form.cleaned_data["new_password"])
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Your password is set. Log in with it.")
            return redirect(reverse("login"))
    return render(request, "identity/reset_password.html", {"form": form, "token": token})
