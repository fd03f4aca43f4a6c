"""What every console page's shell needs: navigation, the organization (and the others the person belongs to),
the viewer's theme and timezone, and a notice the identity middleware may leave (two-factor set-up due).

The viewer's preferences live in their membership (`Member.preferences`: `theme`, `timezone`); core reads them
from the request the identity middleware prepared, and imports no app.
"""

from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from django.http import HttpRequest

NAVIGATION = (
    ("Identity", "identity", "/identity/"),
    ("Org", "org", "/org/"),
    ("Infrastructure", "infra", "/infra/"),
    ("Workloads", "workloads", "/workloads/"),
    ("Notifications", "notifications", "/notifications/"),
)

THEMES = ("system", "light", "dark")
# Set by static/js/console.js from the browser (Intl.DateTimeFormat); a timezone in the profile wins over it.
TIMEZONE_COOKIE = "tz"
UTC = ZoneInfo("UTC")


@lru_cache(maxsize=1)
def timezone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def valid_timezone(name: Any) -> str:
    """`name` when it is an IANA timezone this server knows, else an empty string."""
    return name if isinstance(name, str) and name in timezone_names() else ""


def viewer_preferences(request: HttpRequest) -> dict[str, Any]:
    member = getattr(request, "console_member", None)
    preferences = getattr(member, "preferences", None)
    return preferences if isinstance(preferences, dict) else {}


def viewer_theme(request: HttpRequest) -> str:
    theme = viewer_preferences(request).get("theme")
    return theme if theme in THEMES else "system"


def viewer_timezone(request: HttpRequest) -> tuple[ZoneInfo, str]:
    """The timezone to show times in, and where it came from: "profile", "browser" or "default" (UTC)."""
    chosen = valid_timezone(viewer_preferences(request).get("timezone"))
    if chosen:
        return ZoneInfo(chosen), "profile"
    detected = valid_timezone(request.COOKIES.get(TIMEZONE_COOKIE))
    if detected:
        return ZoneInfo(detected), "browser"
    return UTC, "default"


def console(request: HttpRequest) -> dict:
    section = request.path.strip("/").split("/", 1)[0]
    zone, zone_source = viewer_timezone(request)
    return {
        "nav_items": [
            {"label": label, "key": key, "url": url, "active": key == section} for label, key, url in NAVIGATION
        ],
        "current_org": getattr(request, "console_org", None),
        "console_orgs": getattr(request, "console_orgs", ()),
        "theme": viewer_theme(request),
        "viewer_timezone": zone,
        "viewer_timezone_source": zone_source,
        "mfa_notice": getattr(request, "mfa_notice", None),
    }
