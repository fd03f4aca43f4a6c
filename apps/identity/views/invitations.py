from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from apps.core.console import add_service_error
from apps.core.errors import ApplicationError, NotFound
from apps.identity.forms import AcceptInvitationForm
from apps.identity.models import User
from apps.identity.services.invitations import invitation_accept
from apps.identity.services.logins import login_create
from apps.identity.sessions import console_session_start
from apps.org.services.invitations import invitation_by_token


@require_http_methods(["GET", "POST"])
def invitation_page(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invitation: signed in with the invited address, or by creating the account here."""
    try:
        invitation = invitation_by_token(token)
    except NotFound as exc:
        return render(request, "identity/invitation.html", {"problem": exc.message}, status=404)
    signed_in = request.user if isinstance(request.user, User) and request.user.is_authenticated else None
    account_exists = signed_in is None and User.objects.filter(email=invitation.email).exists()
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST":
        try:
            if signed_in is not None:
                member = invitation_accept(token=token, user=signed_in)
            elif form.is_valid():
                member = invitation_accept(
                    token=token,
                    new_user={
                        "email": invitation.email,
                        "givenName": form.cleaned_data["given_name"],
                        "familyName": form.cleaned_data["family_name"],
                        "password": form.cleaned_data["password"],
                    },
                )
                login, _token = login_create(
                    user=member.user,
                    remote_ip=request.META.get("REMOTE_ADDR"),
                    user_agent=request.headers.get("User-Agent", ""),
                )
                console_session_start(request, login)
            else:
                member = None
        except ApplicationError as exc:
            add_service_error(form, exc, {"user.email": "password", "password": "password"})
            member = None
        if member is not None:
            request.session["organization_id"] = member.organization_id
            messages.success(request, f"Welcome to {member.organization.name}.")
            return redirect("dashboard")
    return render(
        request,
        "identity/invitation.html",
        {"invitation": invitation, "form": form, "signed_in": signed_in, "account_exists": account_exists},
    )
