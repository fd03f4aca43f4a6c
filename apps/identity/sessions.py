from django.contrib.auth import login as django_login
from django.http import HttpRequest

from apps.identity.models import Login

SESSION_LOGIN_KEY = "login_id"


def console_session_start(request: HttpRequest, login: Login) -> None:
    """Bind the console session to a Login row: revoking the login ends the session."""
    django_login(request, login.user, backend="apps.identity.backends.EmailBackend")
    request.session[SESSION_LOGIN_KEY] = login.pk
