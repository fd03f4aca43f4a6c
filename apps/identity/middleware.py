from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from apps.core.actor import set_actor_id
from apps.identity.models import Login
from apps.identity.services.logins import login_touch
from apps.identity.sessions import SESSION_LOGIN_KEY
from apps.org.login_limits import login_within_org_limits
from apps.org.models import Member


class ConsoleLoginMiddleware:
    """Ties a console session to its Login row, so revoking a login also ends the session.

    Also picks the organization the console acts in (the session's choice, else the first membership).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.console_login = None  # type: ignore[attr-defined]
        request.console_org = None  # type: ignore[attr-defined]
        request.console_member = None  # type: ignore[attr-defined]
        if request.user.is_authenticated:
            login_id = request.session.get(SESSION_LOGIN_KEY)
            login = Login.objects.select_related("user").filter(pk=login_id, user=request.user).first()
            login = login_touch(login) if login else None
            member = None
            if login is not None:
                memberships = Member.objects.select_related("organization").filter(user=request.user, is_enabled=True)
                wanted = request.session.get("organization_id")
                member = (memberships.filter(organization_id=wanted).first() if wanted else None) or memberships.first()
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
        return self.get_response(request)
