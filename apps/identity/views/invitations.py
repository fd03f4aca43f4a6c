from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from apps.core.console import add_service_error
from apps.core.errors import ApplicationError, NotFound
from apps.identity.forms import AcceptInvitationForm
from apps.identity.models import User
from apps.identity.services.authentication import METHOD_INVITATION
from apps.identity.services.invitations import invitation_accept
from apps.identity.sessions import ORGANIZATION_KEY, console_sign_in
from apps.identity.views.common import client_of
from apps.org.models import Member
from apps.org.services.invitations import invitation_by_token


@require_http_methods(["GET", "POST"])
def invitation_page(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invitation: signed in with the invited address, or by creating the account here (then signed in
    through the console's one sign-in path: the organization's rules and MFA apply)."""
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
            else:
                member = None
        except ApplicationError as exc:
            add_service_error(form, exc, {"user.email": "password", "password": "password"})
            member = None
        if member is not None:
            messages.success(request, f"Welcome to {member.organization.name}.")
            if signed_in is not None:
                request.session[ORGANIZATION_KEY] = member.organization_id
                return redirect("dashboard")
            return _sign_in(request, member)
    return render(
        request,
        "identity/invitation.html",
        {"invitation": invitation, "form": form, "signed_in": signed_in, "account_exists": account_exists},
    )


def _sign_in(request: HttpRequest, member: Member) -> HttpResponse:
    """The account was just created: sign it in, or say why not (the organization may want a verified email)."""
    try:
        return console_sign_in(
            request,
            member.user,
            method=METHOD_INVITATION,
            client=client_of(request),
            org=member.organization,
            next_page=reverse("dashboard"),
        )
    except ApplicationError as exc:
        messages.info(request, f"Your account is ready. {exc.message}")
        return redirect("login")
