from django.contrib import messages
from django.contrib.auth import logout as django_logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.errors import ApplicationError
from apps.identity.forms import LoginForm
from apps.identity.models import Login
from apps.identity.services.authentication import Client, password_login
from apps.identity.services.logins import login_revoke
from apps.identity.sessions import console_session_start


@require_http_methods(["GET", "POST"])
def login_page(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = password_login(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                client=Client(
                    remote_ip=request.META.get("REMOTE_ADDR"), user_agent=request.headers.get("User-Agent", "")
                ),
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            if outcome.login is not None:
                console_session_start(request, outcome.login)
                return redirect(next_url)
    return render(request, "identity/login.html", {"form": form, "next": next_url})


@require_POST
def logout_page(request: HttpRequest) -> HttpResponse:
    login = getattr(request, "console_login", None)
    if isinstance(login, Login):
        login_revoke(login=login)
    django_logout(request)
    messages.info(request, "You have been logged out.")
    return redirect("login")
