"""From an event to notifications: the rule matcher, run by the event bus once per event (in its transaction).

1. The rules of the event's type whose scope covers it (organization; the team it is shared with; the watched
   resource; the owner's own resources), with their channels: lookups in the organization's compiled rules
   (`ruleset`: one query to know they are current).
2. The audience: a personal rule only hears of what its member may see, a team rule of what is shared with
   its team (`audience`).
3. Per channel of those rules, one outcome, the best any rule gives: send now > hold for the digest > muted >
   channel disabled > suppressed by a noise control. One notification per (event, channel), whatever the
   number of rules; skipped outcomes are logged too, so "why did I not hear of it" has an answer.
4. One task is enqueued after the commit, which fans the sends out. The queries and the work per event are the
   same for 1 rule or 1,000.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from apps.core import clock
from apps.core.events import Event
from apps.infra.models import ClusterTeam
from apps.notifications import audience, delivery, digests, ruleset
from apps.notifications.catalog import BY_KEY, EventType, Outcome, subject_of
from apps.notifications.models import (
    Channel,
    ChannelStatus,
    DeliveryMode,
    Notification,
    NotificationStatus,
    ResourceState,
    Rule,
    ScopeType,
    SubjectState,
)
from apps.notifications.ruleset import Target
from apps.notifications.transports import transport_for
from apps.org.access import members_grants

# Outcomes of one (rule, channel) pair, best first.
SEND, DIGEST, MUTED, DISABLED, SUPPRESSED = range(5)


@dataclass(frozen=True)
class Decision:
    rank: int
    rule: Rule
    message: str = ""
    digest_due_at: datetime | None = None


def team_ids_of(event: Event, event_type: EventType) -> list[str]:
    """The teams the event's resource is shared with: the payload's `teamIds`, else (clusters, whose events
    infra publishes without them) the teams the cluster is shared with."""
    listed = event.payload.get("teamIds")
    if isinstance(listed, list):
        return [str(t) for t in listed]
    if event_type.resource_type == "cluster" and event.resource_type == "cluster":
        return list(
            ClusterTeam.objects.filter(cluster__cluster__pk=event.resource_id).values_list("team_id", flat=True)
        )
    return []


def state_changed(event: Event, event_type: EventType, subject: str) -> bool:
    """Record a failure or recovery of the watched resource; whether it changed its state.

    The first failure is a change (after a success, or ever); a success is a change only after a failure (the
    recovery). An event older than the state on record (a late redelivery) changes nothing."""
    if event_type.outcome == Outcome.NEUTRAL or not subject:
        return True
    new = SubjectState.FAILING if event_type.outcome == Outcome.FAILURE else SubjectState.OK
    key = {"organization_id": event.organization_id, "resource_type": event_type.resource_type, "resource_id": subject}
    row = ResourceState.objects.select_for_update().filter(**key).first()
    if row is None:
        try:
            with transaction.atomic():
                ResourceState.objects.create(**key, state=new, event_id=event.event_id, occurred_at=event.occurred_at)
            return new == SubjectState.FAILING
        except IntegrityError:  # created by a concurrent event of the same resource: read it as it is now
            row = ResourceState.objects.select_for_update().get(**key)
    if event.occurred_at < row.occurred_at or row.event_id == event.event_id:
        return False
    ResourceState.objects.filter(pk=row.pk).update(state=new, event_id=event.event_id, occurred_at=event.occurred_at)
    return row.state != new


def _targets(event: Event, event_type: EventType, subject: str, team_ids: list[str]) -> list[Target]:
    """(rule, channel) pairs of the enabled rules of this type whose scope covers the event."""
    keys = [(ScopeType.ORGANIZATION, ""), *((ScopeType.TEAM, team) for team in team_ids)]
    if subject:
        keys.append((ScopeType.RESOURCE, subject))
    owner = event.payload.get("ownerId")
    if isinstance(owner, str) and owner:
        keys.append((ScopeType.OWN_RESOURCES, owner))
    return ruleset.current(event.organization_id or "").lookup(event_type.key, keys)


def _heard(targets: list[Target], event: Event, event_type: EventType, team_ids: list[str]) -> list[Target]:
    """The pairs whose rule's owner may hear of the event (personal: its member; team: its team)."""
    personal = {rule.member_id for rule, _channel in targets if rule.member_id}
    grants = members_grants(event.organization_id or "", personal) if personal else {}

    def hears(rule: Rule) -> bool:
        if rule.member_id:
            return audience.sees(grants.get(rule.member_id), event_type, team_ids)
        return not rule.team_id or audience.team_hears(rule.team_id, event_type, team_ids)

    return [(rule, channel) for rule, channel in targets if hears(rule)]


def _decide(rule: Rule, channel: Channel, event: Event, changed: bool, now: datetime) -> Decision:
    if rule.only_after_last_retry and event.payload.get("willRetry") is True:
        return Decision(SUPPRESSED, rule, "A retry follows (only after the last retry).")
    if rule.only_on_state_change and not changed:
        return Decision(SUPPRESSED, rule, "Not a change of state (only when the state changes).")
    if rule.muted_until and rule.muted_until > now:
        return Decision(MUTED, rule, f"The rule is muted until {rule.muted_until:%Y-%m-%d %H:%M} UTC.")
    if channel.status == ChannelStatus.DISABLED:
        return Decision(DISABLED, rule, "The channel is disabled.")
    if rule.delivery_mode == DeliveryMode.DIGEST and transport_for(channel.type).supports_digest:
        due = digests.due_for(rule, max(event.occurred_at, now))
        return Decision(DIGEST, rule, f"Held for the digest ({digests.describe(rule)}).", due)
    return Decision(SEND, rule)


def _best(decisions: list[Decision]) -> Decision:
    """The best outcome any rule gives the channel (the earliest digest among digests; ties by rule id)."""
    return min(decisions, key=lambda d: (d.rank, d.digest_due_at.timestamp() if d.digest_due_at else 0.0, d.rule.pk))


def match(event: Event) -> list[Notification]:
    """The notifications an event makes (unsaved): one per channel some rule of it reaches."""
    event_type = BY_KEY.get(event.event_type)
    if event_type is None or event_type.is_shortcut or not event.organization_id:
        return []
    team_ids = team_ids_of(event, event_type)
    subject = subject_of(event_type, event.resource_id, event.payload)
    changed = state_changed(event, event_type, subject)
    targets = _heard(_targets(event, event_type, subject, team_ids), event, event_type, team_ids)
    now = clock.now()
    per_channel: dict[str, list[Decision]] = defaultdict(list)
    channels: dict[str, Channel] = {}
    for rule, channel in targets:
        channels[channel.pk] = channel
        per_channel[channel.pk].append(_decide(rule, channel, event, changed, now))
    return [_notification(event, channels[c], _best(decisions), now) for c, decisions in per_channel.items()]


def _notification(event: Event, channel: Channel, decision: Decision, now: datetime) -> Notification:
    fields: dict[str, Any] = {"status": NotificationStatus.PENDING}
    if decision.rank != SEND:
        fields = {
            "status": NotificationStatus.SKIPPED,
            "status_message": decision.message,
            "digest_due_at": decision.digest_due_at,
        }
    return Notification(
        organization_id=event.organization_id,
        channel=channel,
        rule=decision.rule,
        event_id=event.event_id,
        event_type=event.event_type,
        resource_type=event.resource_type,
        resource_id=event.resource_id,
        payload=event.payload,
        occurred_at=event.occurred_at,
        target_summary=transport_for(channel.type).summary(channel.config)[:300],
        created_at=now,
        updated_at=now,
        **fields,
    )


def write(event: Event, notifications: list[Notification]) -> None:
    """Save an event's notifications; one task sends them out once the transaction commits (a fan-out in the
    worker, so the matcher pays for one enqueue, not one a channel)."""
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    if any(n.status == NotificationStatus.PENDING for n in notifications):
        delivery.dispatch_after_commit(event.event_id)


def handle(event: Event) -> None:
    """The event subscriber, run by the event bus in the transaction that records its delivery."""
    write(event, match(event))
