from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone

from apps.core.errors import Unauthenticated
from apps.identity.models import Login, User
from apps.identity.services.logins import login_create
from apps.org.models import Member

INVALID_CREDENTIALS = "The email or password is incorrect."


@transaction.atomic
def password_login(
    *, email: str, password: str, remote_ip: str | None = None, user_agent: str = "", device_id: str = ""
) -> tuple[Login, str]:
    """Check a password and open a login. Unknown accounts get the same error as wrong passwords."""
    user = authenticate(username=email, password=password)
    if not isinstance(user, User) or not user.is_active:
        raise Unauthenticated(INVALID_CREDENTIALS, code="invalid_credentials")
    login, token = login_create(user=user, remote_ip=remote_ip, user_agent=user_agent, device_id=device_id)
    Member.objects.filter(user=user).update(last_login_at=timezone.now())
    return login, token
