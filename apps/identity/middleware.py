from collections.abc import Callable

from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from apps.core.actor import set_actor_id
from apps.identity.backends import user_loaded
from apps.identity.services.logins import console_login, login_touch
from apps.identity.sessions import SESSION_LOGIN_KEY
from apps.org.login_limits import login_within_org_limits
from apps.org.mfa_requirement import mfa_requirement
from apps.org.selectors.members import memberships_of


class ConsoleLoginMiddleware:
    """Ties a console session to its Login row, so revoking a login also ends the session.

    Also picks the organization the console acts in (the session's choice, else the first membership), and sends
    a member whose organization requires two-factor authentication, past its grace period, to set it up.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.console_login = None  # type: ignore[attr-defined]
        request.console_org = None  # type: ignore[attr-defined]
        request.console_member = None  # type: ignore[attr-defined]
        # The session's Login and its user in one query; Django then checks the session against that user.
        login_id, user_id = request.session.get(SESSION_LOGIN_KEY), request.session.get(SESSION_KEY)
        login = console_login(login_id=login_id, user_id=user_id) if login_id and user_id else None
        with user_loaded(login.user if login else None):
            authenticated = request.user.is_authenticated
        if authenticated:
            login = login_touch(login) if login and login.user_id == request.user.pk else None
            member = None
            if login is not None:
                memberships = memberships_of(user_id=request.user.pk)
                wanted = request.session.get("organization_id")
                chosen = [m for m in memberships if m.organization_id == wanted]
                member = (chosen or memberships or [None])[0]
                # The header's organization switcher lists them all.
                request.console_orgs = sorted((m.organization for m in memberships), key=lambda o: o.name.lower())  # type: ignore[attr-defined]
                if member is not None and not login_within_org_limits(login, member.organization):
                    login = None
            if login is None:
                logout(request)
            else:
                request.console_login = login  # type: ignore[attr-defined]
                set_actor_id(request.user.pk)
                if member is not None:
                    request.console_member = member  # type: ignore[attr-defined]
                    request.console_org = member.organization  # type: ignore[attr-defined]
                    requirement = mfa_requirement(member)
                    request.mfa_notice = requirement  # type: ignore[attr-defined]
                    if requirement is not None and requirement.due and not _may_enroll(request.path):
                        return _to_enrollment(request)
        return self.get_response(request)


# Past an organization's two-factor grace period, a member without an authenticator reaches only what setting
# one up needs (the profile page, enrollment, re-authentication), signing out, another organization, and the
# API (which answers `mfa_required` itself, and lets /me/mfa enroll).
_ENROLLMENT_PAGES = ("identity-profile",)
_ENROLLMENT_PREFIXES = ("/identity/mfa/", "/identity/reauth/", "/logout/", "/org/switch", "/api/", "/static/")


def _may_enroll(path: str) -> bool:
    return path in {reverse(name) for name in _ENROLLMENT_PAGES} or path.startswith(_ENROLLMENT_PREFIXES)


def _to_enrollment(request: HttpRequest) -> HttpResponse:
    target = reverse("identity-profile") + "#mfa-h"
    return HttpResponseClientRedirect(target) if getattr(request, "htmx", False) else redirect(target)
