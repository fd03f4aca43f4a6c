"""Digests: events held per channel and sent together at the rule's digest time, in the rule's timezone.

A held event is due at the first digest time after it was matched (daily, or weekly on `digestDayOfWeek`,
0 Monday .. 6 Sunday), computed in the timezone's local time, so 08:00 stays 08:00 across a DST change. A
local time the clocks skip (02:30 on a spring-forward night) is read as the same wall-clock distance after the
gap (03:30); a repeated one (autumn) is its first occurrence. The beat task `send-notification-digests` (every
minute, `send_due_digests`) gathers what is due per channel into one digest notification, sent like any other.
"""

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from apps.core import clock
from apps.notifications.models import Notification, NotificationKind, Rule


def _at(day: date, at: time, zone: ZoneInfo) -> datetime:
    # fold=0 on a skipped local time gives the offset before the gap: converted, it lands after it.
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def next_digest_at(after: datetime, *, at: time, timezone: str, day_of_week: int | None = None) -> datetime:
    """The first digest time strictly after `after`."""
    zone = ZoneInfo(timezone)
    day = after.astimezone(zone).date() - timedelta(days=1)  # yesterday's time may still be ahead in UTC terms
    for offset in range(9):
        candidate_day = day + timedelta(days=offset)
        if day_of_week is not None and candidate_day.weekday() != day_of_week:
            continue
        candidate = _at(candidate_day, at, zone)
        if candidate > after:
            return candidate
    raise AssertionError("a digest time exists within 8 days")  # pragma: no cover


def due_for(rule: Rule, after: datetime) -> datetime:
    assert rule.digest_time is not None
    return next_digest_at(
        after, at=rule.digest_time, timezone=rule.digest_timezone, day_of_week=rule.digest_day_of_week
    )


def describe(rule: Rule) -> str:
    """ "daily at 08:00 Europe/Paris" / "Mondays at 08:00 UTC"."""
    days = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")
    when = "daily" if rule.digest_day_of_week is None else days[rule.digest_day_of_week]
    return f"{when} at {rule.digest_time:%H:%M} {rule.digest_timezone}"


@transaction.atomic
def collect_due() -> list[str]:
    """One digest notification per channel and due time for the held events now due; returns their ids.

    The held rows are locked and linked to their digest in one transaction: two beats running at once make
    each digest once (the second finds the rows linked)."""
    now = clock.now()
    held = (
        Notification.objects.select_for_update(of=("self",))
        .filter(kind=NotificationKind.EVENT, digest__isnull=True, digest_due_at__lte=now)
        .exclude(digest_due_at__isnull=True)
        .select_related("channel")
        .order_by("digest_due_at", "occurred_at", "id")
    )
    groups: dict[tuple[str, datetime], list[Notification]] = defaultdict(list)
    for item in held:
        assert item.digest_due_at is not None
        groups[(item.channel_id, item.digest_due_at)].append(item)
    created = []
    for (_channel_id, due), items in groups.items():
        first = items[0]
        digest = Notification.objects.create(
            organization_id=first.organization_id,
            channel=first.channel,
            rule_id=first.rule_id,
            kind=NotificationKind.DIGEST,
            target_summary=first.target_summary,
            occurred_at=due,
            created_at=now,
            updated_at=now,
        )
        Notification.objects.filter(pk__in=[i.pk for i in items]).update(
            digest=digest, status_message=f"Sent in digest {digest.pk}.", updated_at=now
        )
        created.append(digest.pk)
    return created
