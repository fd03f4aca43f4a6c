"""Console sessions: the one way the console signs someone in, and the binding of a session to its Login.

Every console sign-in (password, accepted invitation, SSO) goes through `console_sign_in`, so each meets the
same gate (`authentication.login_continue`: a verified email where required, a new password, MFA) and lands on
the same challenge pages when a step is pending.
"""

from django.contrib.auth import login as django_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from apps.identity.models import Login, User
from apps.identity.services import authentication
from apps.identity.services.authentication import Client, LoginOutcome
from apps.identity.trusted_cookie import set_trusted_device_cookie
from apps.org.models import Organization

SESSION_LOGIN_KEY = "login_id"
CHALLENGE_KEY = "login_challenge"
CHALLENGE_METHODS_KEY = "login_challenge_methods"
NEXT_KEY = "login_next"
ORG_KEY = "login_organization"
ORGANIZATION_KEY = "organization_id"  # the organization the console acts in (ConsoleLoginMiddleware)


def console_session_start(request: HttpRequest, login: Login) -> None:
    """Bind the console session to a Login row: revoking the login ends the session."""
    django_login(request, login.user, backend="apps.identity.backends.EmailBackend")
    request.session[SESSION_LOGIN_KEY] = login.pk


def next_url(request: HttpRequest) -> str:
    """Where to go once signed in: the asked page when it is on this site, else the dashboard."""
    wanted = request.POST.get("next") or request.GET.get("next") or request.session.get(NEXT_KEY) or "/"
    return wanted if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}) else "/"


def console_sign_in(
    request: HttpRequest,
    user: User,
    *,
    method: str,
    client: Client,
    org: Organization | None = None,
    next_page: str | None = None,
) -> HttpResponse:
    """`user` passed a first factor (`method`): through the gate, to a console session or a challenge page.

    `org`: the organization the sign-in came through (SSO, an invitation); its settings apply to the gate and the
    console acts in it once signed in. Raises the gate's refusals (ApplicationError) for the caller to show.
    """
    outcome = authentication.login_continue(user, client, first_factor=method, org=org)
    if org is not None:
        request.session[ORG_KEY] = org.pk
    if next_page is not None:
        request.session[NEXT_KEY] = next_page
    return console_continue(request, outcome)


def console_continue(request: HttpRequest, outcome: LoginOutcome) -> HttpResponse:
    """Open the console session, or go to the page of the pending step."""
    if outcome.login is not None:
        destination = next_url(request)
        org_id = request.session.get(ORG_KEY)
        for key in (CHALLENGE_KEY, CHALLENGE_METHODS_KEY, NEXT_KEY, ORG_KEY):
            request.session.pop(key, None)
        console_session_start(request, outcome.login)
        if org_id:
            request.session[ORGANIZATION_KEY] = org_id
        response = redirect(destination)
        if outcome.trusted_device_token:
            set_trusted_device_cookie(response, outcome.trusted_device_token)
        return response
    request.session[CHALLENGE_KEY] = outcome.challenge_token
    request.session[CHALLENGE_METHODS_KEY] = outcome.methods
    request.session[NEXT_KEY] = next_url(request)
    if outcome.password_change_required:
        return redirect("login-new-password")
    return redirect("login-verify")
