"""From an event to notifications: the rule matcher, run by the event bus once per event (in its transaction).

1. The rules of the event's type whose scope covers it (organization; the team it is shared with; the watched
   resource; the owner's own resources), with their channels: lookups in the organization's compiled rules
   (`ruleset`: one query to know they are current).
2. The audience: a personal rule only hears of what its member may see, a team rule of what is shared with
   its team (`audience`).
3. Per channel of those rules, one outcome, the best any rule gives: send now > hold for the digest > muted >
   channel disabled > suppressed by a noise control. One notification per (event, channel), whatever the
   number of rules; skipped outcomes are logged too, so "why did I not hear of it" has an answer.
4. The notifications written in one INSERT, and one task enqueued after the commit, which fans the sends out.
   The queries and the work per event are the same for 1 rule or 1,000.

The matcher runs for every event of the catalog, so its few statements are plain SQL on the models' tables, or
the ORM's SQL compiled once: no model instance per row, no query compiled per event (a tenth of the CPU time of
the same query through the ORM, 0.07 ms against 0.5 ms on the benchmark's machine).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from django.db import connection

from apps.core import clock
from apps.core.events import Event
from apps.core.ids import new_id
from apps.infra.models import ClusterTeam
from apps.notifications import audience, delivery, digests, ruleset
from apps.notifications.catalog import BY_KEY, EventType, Outcome, subject_of
from apps.notifications.models import (
    Channel,
    ChannelStatus,
    DeliveryMode,
    Notification,
    NotificationKind,
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
        with connection.cursor() as cursor:
            cursor.execute(_cluster_teams_sql(), [event.resource_id])
            return [team_id for (team_id,) in cursor.fetchall()]
    return []


@cache
def _cluster_teams_sql() -> str:
    """The teams of a (job-facing) cluster: the ORM's query, compiled once rather than for every event."""
    query = ClusterTeam.objects.filter(cluster__cluster__pk="").values_list("team_id", flat=True).query
    sql, params = query.sql_with_params()
    assert params == ("",)  # the one parameter each call gives
    return sql


def state_changed(event: Event, event_type: EventType, subject: str) -> bool:
    """Record a failure or recovery of the watched resource; whether it changed its state.

    The first failure is a change (after a success, or ever); a success is a change only after a failure (the
    recovery). An event older than the state on record (a late redelivery) changes nothing."""
    if event_type.outcome == Outcome.NEUTRAL or not subject:
        return True
    new = SubjectState.FAILING if event_type.outcome == Outcome.FAILURE else SubjectState.OK
    key = [event.organization_id, event_type.resource_type, subject]
    at = connection.ops.adapt_datetimefield_value(event.occurred_at)
    table = connection.ops.quote_name(ResourceState._meta.db_table)
    where = "organization_id = %s AND resource_type = %s AND resource_id = %s"
    select = f"SELECT id, state FROM {table} WHERE {where}"
    if connection.features.has_select_for_update:
        select += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(select, key)
        row = cursor.fetchone()
        if row is None:
            # A concurrent event of the same resource may insert it first: this one then waits for it, does
            # nothing, and reads it as it is now.
            cursor.execute(
                f"INSERT INTO {table} (organization_id, resource_type, resource_id, state, event_id, occurred_at)"
                " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                [*key, new, event.event_id, at],
            )
            if cursor.rowcount == 1:
                return new == SubjectState.FAILING
            cursor.execute(select, key)
            row = cursor.fetchone()
        row_id, state = row
        cursor.execute(
            f"UPDATE {table} SET state = %s, event_id = %s, occurred_at = %s"
            " WHERE id = %s AND occurred_at <= %s AND event_id <> %s",
            [new, event.event_id, at, row_id, at, event.event_id],
        )
        return cursor.rowcount == 1 and state != new


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


class Planned(NamedTuple):
    """One notification to write: the channel, the rule whose outcome it has, and that outcome."""

    channel_id: str
    rule_id: str
    status: str
    status_message: str
    digest_due_at: datetime | None
    target_summary: str


def match(event: Event) -> list[Planned]:
    """The notifications an event makes: one per channel some rule of it reaches."""
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
    return [_planned(channels[c], _best(decisions)) for c, decisions in per_channel.items()]


def _planned(channel: Channel, decision: Decision) -> Planned:
    summary = transport_for(channel.type).summary(channel.config)[:300]
    if decision.rank == SEND:
        return Planned(channel.pk, decision.rule.pk, NotificationStatus.PENDING, "", None, summary)
    return Planned(
        channel.pk, decision.rule.pk, NotificationStatus.SKIPPED, decision.message, decision.digest_due_at, summary
    )


# A notification's columns: those `Planned` gives (and a new id) per row, then those the event or a default gives.
_COLUMNS = {f.attname: f for f in Notification._meta.concrete_fields}
_PER_ROW = [_COLUMNS[name] for name in ("id", *Planned._fields)]
_SHARED = [f for f in _COLUMNS.values() if f not in _PER_ROW]


def write(event: Event, planned: list[Planned]) -> None:
    """Save an event's notifications; one task sends them out once the transaction commits (a fan-out in the
    worker, so the matcher pays for one enqueue, not one a channel).

    One INSERT of every row, `ON CONFLICT DO NOTHING` as `bulk_create(ignore_conflicts=True)` would write it: a
    second run for the same event (a redelivered task) finds its rows and adds none."""
    if not planned:
        return
    now = clock.now()
    given: dict[str, Any] = {
        "organization_id": event.organization_id,
        "kind": NotificationKind.EVENT,
        "event_id": event.event_id,
        "event_type": event.event_type,
        "resource_type": event.resource_type,
        "resource_id": event.resource_id,
        "payload": event.payload,
        "occurred_at": event.occurred_at,
        "created_at": now,
        "updated_at": now,
    }
    shared = [
        f.get_db_prep_save(given[f.attname] if f.attname in given else f.get_default(), connection) for f in _SHARED
    ]
    rows = [
        [f.get_db_prep_save(value, connection) for f, value in zip(_PER_ROW, (new_id(), *p), strict=True)]
        for p in planned
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_unnest_insert(), [*shared, *(list(column) for column in zip(*rows, strict=True))])
        else:
            size = connection.ops.bulk_batch_size([*_SHARED, *_PER_ROW], rows)
            for start in range(0, len(rows), size):
                batch = rows[start : start + size]
                cursor.execute(_values_insert(len(batch)), [value for row in batch for value in (*shared, *row)])
    if any(p.status == NotificationStatus.PENDING for p in planned):
        delivery.dispatch_after_commit(event.event_id)


def _into() -> str:
    columns = ", ".join(connection.ops.quote_name(f.column) for f in (*_SHARED, *_PER_ROW))
    return f"INSERT INTO {connection.ops.quote_name(Notification._meta.db_table)} ({columns})"


@cache
def _unnest_insert() -> str:
    """PostgreSQL: the event's values once, the rows' from one array per column. The statement, and the driver's
    parse of it, are the same whatever the number of rows."""
    names = ", ".join(connection.ops.quote_name(f.attname) for f in _PER_ROW)
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in _PER_ROW)
    shared = ", ".join(["%s"] * len(_SHARED))
    return f"{_into()} SELECT {shared}, r.* FROM unnest({arrays}) AS r({names}) ON CONFLICT DO NOTHING"


@cache
def _values_insert(rows: int) -> str:
    """Elsewhere (SQLite in development): INSERT … VALUES, every column of every row a parameter."""
    row = f"({', '.join(['%s'] * (len(_SHARED) + len(_PER_ROW)))})"
    return f"{_into()} VALUES {', '.join([row] * rows)} ON CONFLICT DO NOTHING"


def handle(event: Event) -> None:
    """The event subscriber, run by the event bus in the transaction that records its delivery."""
    write(event, match(event))
