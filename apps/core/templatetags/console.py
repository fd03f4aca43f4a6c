"""Template helpers of the console shell: times in the viewer's timezone, device names, breadcrumbs.

    {% load console %}
    {% when login.last_used_at %}            "2 hours ago", the exact local time on hover (a <time> element)
    {% when key.expires_at empty="never" %}  the text for a missing time
    {% local event.created_at %}             3 Jun 2025, 14:05 CEST (the exact time, for tables that need it)
    {{ login.user_agent|device }}            Chrome 126 on Mac OS X
    {% crumb "Members" "org-members" %}      one breadcrumb (a URL name or path); the last one has no URL
    {% options teams list.filters.team %}    a picker's <option>s of (id, name) pairs, the chosen id selected

The viewer's timezone comes from the `console` context processor (profile, else browser, else UTC).
"""

from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from django import template
from django.shortcuts import resolve_url
from django.utils import dateformat
from django.utils.dateparse import parse_datetime
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from apps.core import clock
from apps.core.context_processors import UTC

register = template.Library()

EXACT = "j M Y, H:i T"
_UNITS = (  # (below this many seconds, unit, seconds per unit)
    (3600, "minute", 60),
    (86400, "hour", 3600),
    (86400 * 30, "day", 86400),
    (86400 * 365, "month", 86400 * 30),
    (float("inf"), "year", 86400 * 365),
)


def relative(moment: datetime, now: datetime) -> str:
    """The distance from now in the largest whole unit: "2 hours ago", "in 3 days", "just now"."""
    seconds = (now - moment).total_seconds()
    distance = abs(seconds)
    if distance < 45:
        return "just now"
    for limit, unit, size in _UNITS:
        if distance < limit:
            count = max(1, int(distance // size))
            text = f"{count} {unit}{'' if count == 1 else 's'}"
            return f"{text} ago" if seconds > 0 else f"in {text}"
    raise AssertionError("unreachable: the last unit has no limit")


def _zone(context: template.Context) -> ZoneInfo:
    return context.get("viewer_timezone") or UTC


def exact(moment: datetime, zone: ZoneInfo) -> str:
    return dateformat.format(moment.astimezone(zone), EXACT)


@register.simple_tag(takes_context=True)
def when(context: template.Context, moment: datetime | None, empty: str = "—") -> str:
    """A relative time, with the exact time in the viewer's timezone on hover and the UTC instant for machines."""
    if not moment:  # None, or a variable the template does not have
        return empty
    zone = _zone(context)
    return format_html(
        '<time datetime="{}" title="{} ({})">{}</time>',
        moment.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        exact(moment, zone),
        zone.key,
        relative(moment, clock.now()),
    )


@register.simple_tag(takes_context=True)
def local(context: template.Context, moment: datetime | None, empty: str = "—") -> str:
    """The exact time in the viewer's timezone, with its abbreviation."""
    if not moment:  # None, or a variable the template does not have
        return empty
    zone = _zone(context)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        moment.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        zone.key,
        exact(moment, zone),
    )


@lru_cache(maxsize=1024)
def device_name(user_agent: str) -> str:
    """A User-Agent header in words, "Chrome 126 on Mac OS X" (ua-parser's rules); scripts keep their names."""
    if not user_agent.strip():
        return "Unknown client"
    from ua_parser import parse  # its rules take a moment to load: only pages that show devices pay for it

    result = parse(user_agent)
    agent, browser = result.user_agent, ""
    if agent and agent.family != "Other":
        browser = f"{agent.family} {agent.major}" if agent.major else agent.family
    system = result.os.family if result.os and result.os.family != "Other" else ""
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or user_agent[:40]


@register.filter
def device(user_agent: str | None) -> str:
    return device_name(user_agent or "")


@register.simple_tag
def crumb(label: str, to: str = "") -> str:
    """One breadcrumb inside the shell's `{% block breadcrumbs %}`; without `to`, the current page."""
    if not to:
        return format_html('<li aria-current="page">{}</li>', label)
    return format_html('<li><a href="{}">{}</a></li>', resolve_url(to), label)


@register.simple_tag
def options(choices: Iterable[tuple[str, str]], selected: str = "") -> SafeString:
    """One <option> per (id, name), `selected` marked. A picker of every team of an organization (hundreds) is
    most of a member page's rendering when each option is a loop of template nodes; this writes them in one pass."""
    return mark_safe(  # ids and names escaped below
        "".join(
            f'<option value="{escape(pk)}"{" selected" if pk == selected else ""}>{escape(name)}</option>'
            for pk, name in choices
        )
    )


@register.filter
def parse_iso(value: str | None) -> datetime | None:
    """An RFC 3339 string kept in JSON (organization settings) as a datetime, for `when` and `local`."""
    return parse_datetime(value) if isinstance(value, str) else None
