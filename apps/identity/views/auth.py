"""Public console pages: log in (password, emailed code, SSO), MFA challenge, sign-up, email
verification, forgotten and temporary passwords. Each calls the service the API calls."""

from django.contrib import messages
from django.contrib.auth import logout as django_logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.client_ip import client_ip
from apps.core.errors import ApplicationError
from apps.identity import forms
from apps.identity.models import Login
from apps.identity.services import accounts, authentication, users
from apps.identity.services.logins import login_revoke
from apps.identity.sessions import (
    CHALLENGE_KEY,
    CHALLENGE_METHODS_KEY,
    console_continue,
    console_sign_in,
    next_url,
)
from apps.identity.sso.selectors import login_providers
from apps.identity.views.common import client_of, form_error

VERIFICATION_REQUIRED = "email_verification_required"


def _resend_verification(request: HttpRequest) -> HttpResponse:
    form = forms.EmailForm(request.POST)
    if form.is_valid():
        try:
            accounts.email_verification_resend(email=form.cleaned_data["email"], remote_ip=client_ip(request))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.info(request, "If the address needs verifying, a new link is on its way.")
    return redirect("login")


@require_http_methods(["GET", "POST"])
def login_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and "resend_verification" in request.POST:
        return _resend_verification(request)
    form = forms.LoginForm(request.POST or None)
    verification_required = False
    if request.method == "POST" and form.is_valid():
        client = client_of(request)
        try:
            user = authentication.password_check(
                email=form.cleaned_data["email"], password=form.cleaned_data["password"], client=client
            )
            return console_sign_in(request, user, method=authentication.METHOD_PASSWORD, client=client)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            verification_required = exc.code == VERIFICATION_REQUIRED
    context = {
        "form": form,
        "next": next_url(request),
        "sso_providers": login_providers(org_slug=request.GET.get("org")),
        "verification_required": verification_required,
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
            return console_continue(request, outcome)
    return render(request, "identity/login_code.html", {"form": form, "next": next_url(request)})


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
            authentication.challenge_send_code(challenge_token=token, client=client_of(request))
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
            return console_continue(request, outcome)
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
            return console_continue(request, outcome)
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
                remote_ip=client_ip(request),
            )
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            # The same words whether or not the address already had an account (its owner is emailed).
            messages.success(request, f"Check {form.cleaned_data['email']}: we sent it a link. Then log in.")
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
        try:
            users.password_forgot(email=form.cleaned_data["email"], remote_ip=client_ip(request))
        except ApplicationError as exc:
            form_error(form, exc)
        else:
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
