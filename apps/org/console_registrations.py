"""What the org domain adds to the console's shared registries (called from OrgConfig.ready): members and teams
to the global search; members and invitations, and platform health, to the dashboard."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from apps.core import console_search, dashboard_slots
from apps.core.console_search import Hit
from apps.core.operations import Operation
from apps.core.principal import Principal
from apps.org.access import has
from apps.org.selectors.invitations import invitation_pending_list
from apps.org.selectors.members import member_list, member_search
from apps.org.selectors.teams import team_list


def member_hits(principal: Principal, text: str, limit: int) -> Iterable[Hit]:
    for member in member_search(principal=principal, member_filter={"search": text}).order_by("name", "email")[:limit]:
        yield Hit(member.name or member.email, reverse("org-member", args=[member.pk]), member.email)


def team_hits(principal: Principal, text: str, limit: int) -> Iterable[Hit]:
    for team in team_list(principal=principal).filter(name__icontains=text).order_by("name")[:limit]:
        members = f"{team.member_count} member{'' if team.member_count == 1 else 's'}"
        yield Hit(team.name, reverse("org-team", args=[team.pk]), members)


def members_slot(principal: Principal) -> dict[str, Any] | None:
    if not has(principal, "CanViewMembers"):
        return None
    counts = member_list(principal=principal).aggregate(
        total=Count("pk"), disabled=Count("pk", filter=Q(is_enabled=False))
    )
    context: dict[str, Any] = {**counts, "can_invite": has(principal, "CanManageInvitations")}
    if context["can_invite"]:
        pending = invitation_pending_list(principal=principal).order_by("expires_at", "id")
        context.update(invitations=list(pending[:3]), invitation_count=pending.count())
    return context


def health_slot(principal: Principal) -> dict[str, Any] | None:
    if principal.org is None:
        return None
    latest = Operation.objects.filter(organization=principal.org, operation="diagnostics").order_by("-created_at")
    return {"can_diagnose": has(principal, "CanManageOrganization"), "operation": latest.first()}


def register() -> None:
    console_search.register("Members", member_hits, order=10)
    console_search.register("Teams", team_hits, order=20)
    dashboard_slots.register(
        "members", title="Members", template="org/slots/members.html", context=members_slot, order=10
    )
    dashboard_slots.register(
        "health", title="Platform health", template="org/slots/health.html", context=health_slot, order=900, wide=True
    )
