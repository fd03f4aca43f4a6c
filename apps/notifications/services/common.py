"""Checks the channel and rule services share: names, owners, field errors."""

from typing import Any

from apps.core import audit
from apps.core.errors import InvalidInput
from apps.org.models import Member, Team

NAME_MAX = 200


def raise_errors(errors: dict[str, str], message: str, *, code: str = "invalid_input") -> None:
    if errors:
        raise InvalidInput(message, code=code, field_errors=errors)


def clean_name(name: Any, errors: dict[str, str]) -> str:
    if not isinstance(name, str) or not name.strip():
        errors["name"] = "Required."
        return ""
    if len(name.strip()) > NAME_MAX:
        errors["name"] = f"At most {NAME_MAX} characters."
    return name.strip()[:NAME_MAX]


def check_owner(organization_id: str, team_id: Any, member_id: Any, errors: dict[str, str]) -> None:
    """A team and a member of the organization, at most one of them (neither: the organization's own)."""
    if team_id and member_id:
        errors["teamId"] = "Give a team or a member, not both."
    elif team_id and not (
        isinstance(team_id, str) and Team.objects.filter(organization_id=organization_id, pk=team_id).exists()
    ):
        errors["teamId"] = "No such team."
    elif member_id and not (
        isinstance(member_id, str) and Member.objects.filter(organization_id=organization_id, pk=member_id).exists()
    ):
        errors["memberId"] = "No such member."


def record(action: str, target: Any, target_type: str, changes: dict[str, Any], outcome: str = audit.SUCCESS) -> None:
    audit.record(
        action,
        organization_id=target.organization_id,
        target_type=target_type,
        target_id=target.pk,
        changes=changes,
        outcome=outcome,
    )
