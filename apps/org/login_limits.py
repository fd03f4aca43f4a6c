"""The organization's own, shorter lifetimes for logins that act in it."""

from datetime import timedelta
from typing import Any

from apps.core import clock
from apps.org.models import Organization


def login_within_org_limits(login: Any, org: Organization) -> bool:
    """An organization may end logins sooner than the platform does (settings.auth.loginIdleTimeoutSeconds,
    settings.auth.loginMaxDurationSeconds); it can never extend them."""
    auth = org.settings.get("auth", {})
    idle, longest = auth.get("loginIdleTimeoutSeconds"), auth.get("loginMaxDurationSeconds")
    now = clock.now()
    last_used = getattr(login, "previous_used_at", login.last_used_at)
    if idle and now - last_used >= timedelta(seconds=int(idle)):
        return False
    return not (longest and now - login.auth_time >= timedelta(seconds=int(longest)))
