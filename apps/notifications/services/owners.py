"""When a team or a membership ends, what it owned here goes with it (the delivery log stays)."""

from django.db import transaction

from apps.notifications.models import Channel, Rule
from apps.notifications.services.channels import channel_retire
from apps.notifications.services.rules import rule_remove


@transaction.atomic
def owner_gone(*, organization_id: str, team_id: str | None = None, member_id: str | None = None) -> None:
    """The system's answer to `team.deleted` and `member.removed`: their rules deleted, their channels retired."""
    if not team_id and not member_id:
        return
    owned = {"organization_id": organization_id, **({"team_id": team_id} if team_id else {"member_id": member_id})}
    reason = "team deleted" if team_id else "member removed"
    for rule in Rule.objects.filter(**owned):
        rule_remove(rule=rule, reason=reason)
    for channel in Channel.objects.filter(deleted_at__isnull=True, **owned):
        channel_retire(channel=channel, reason=reason)
