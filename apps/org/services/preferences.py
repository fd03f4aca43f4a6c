"""A person's own console preferences (theme, timezone), kept in the reference's `Member.preferences`.

They are written to every membership of the person, so the console looks the same whichever organization
they act in; a membership that joins later starts without them (the browser's settings apply).
"""

from typing import Any

from django.db import transaction

from apps.core import audit
from apps.core.context_processors import THEMES, valid_timezone
from apps.core.errors import InvalidInput, NotFound
from apps.core.principal import Principal
from apps.org.models import Member


@transaction.atomic
def my_preferences_set(*, principal: Principal, theme: str, timezone: str) -> dict[str, Any]:
    """`theme`: system | light | dark; `timezone`: an IANA name, or "" to follow the browser."""
    errors = {}
    if theme not in THEMES:
        errors["preferences.theme"] = f"One of {', '.join(THEMES)}."
    if timezone and not valid_timezone(timezone):
        errors["preferences.timezone"] = "An IANA timezone such as Europe/Paris."
    if errors:
        raise InvalidInput("Some preferences are not valid.", field_errors=errors)
    members = list(Member.objects.select_for_update().filter(user=principal.user))
    if principal.user is None or not members:
        raise NotFound("You are not a member of an organization.", code="member_not_found")
    wanted = {"theme": theme, "timezone": timezone}
    for member in members:
        member.preferences = {**(member.preferences or {}), **wanted}
        member.save(update_fields=["preferences", "updated_at", "updated_by"])
        audit.record(
            "member.preferences.update",
            organization_id=member.organization_id,
            target_type="member",
            target_id=member.pk,
            changes=wanted,
        )
    return wanted
