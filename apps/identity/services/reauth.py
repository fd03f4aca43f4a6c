"""The re-authentication window: the one decision whether a credential may make a sensitive change.

Sensitive: every MFA change (enrolling, confirming, new recovery codes, a reset, one's own or an administrator's),
every login-email change, every password change (one's own, an administrator's temporary password), API-key
creation and identity-provider secrets. The services making those changes call `require_recent_auth` with the
acting credential; views never decide it.
"""

from datetime import timedelta

from django.conf import settings

from apps.core import clock
from apps.core.errors import Unauthenticated
from apps.identity.models import Login

REAUTH_CODE = "reauth_required"


def recent_auth_required(credential: object) -> bool:
    """True unless `credential` is a login whose last proof of presence (auth_time) is inside the window.

    API keys never qualify: a service account has no one present to prove anything.
    """
    if not isinstance(credential, Login):
        return True
    return clock.now() - credential.auth_time > timedelta(seconds=settings.AUTH_REAUTH_SECONDS)


def require_recent_auth(credential: object) -> None:
    if recent_auth_required(credential):
        minutes = settings.AUTH_REAUTH_SECONDS // 60
        raise Unauthenticated(
            f"Confirm your password (POST /auth/reauth) to do this; your sign-in is older than {minutes} minutes.",
            code=REAUTH_CODE,
        )
