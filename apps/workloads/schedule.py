"""Cron schedules: when a five-field cron expression fires in an IANA time zone.

`fire_times()` is the one answer to "when does this run": the API previews schedules with it and the scheduler fires
jobs by it. Cron fields are wall-clock times in the zone, evaluated by cronsim the way Debian's cron does across
daylight-saving changes:

- clocks going forward skip wall times: a job at a fixed time inside the gap (02:30) fires at the first minute after
  it (03:00); a job that fires every hour or minute simply has no slot there. The fire after a vanished wall time
  carries `dst_skipped`;
- clocks going back repeat wall times: a job at a fixed time fires once, at the first occurrence; a job that fires
  every hour or minute fires in both. Such fires carry `dst_repeated`.
"""

import datetime as dt
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from cronsim import CronSim, CronSimError

MAX_COUNT = 100
# Debian cron's nicknames, as the five fields they stand for.
NICKNAMES = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}


class ScheduleError(ValueError):
    """An expression or time zone that is not one; `field` is its wire name."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class FireTime:
    local: dt.datetime  # aware, in the schedule's zone
    dst_skipped: bool  # a wall time the schedule names vanished (clocks went forward) just before this fire
    dst_repeated: bool  # this wall time happens twice on this day (clocks went back)

    @property
    def utc(self) -> dt.datetime:
        return self.local.astimezone(dt.UTC)


@dataclass(frozen=True)
class Schedule:
    expression: str
    timezone: str
    description: str
    fire_times: list[FireTime]


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def zone(name: str) -> ZoneInfo:
    # ZoneInfo also opens any file under the zone directories (`posixrules`, `Etc/../zone.tab`): only IANA names pass.
    if name not in _zone_names():
        raise ScheduleError("cronTimezone", f"{name!r} is not an IANA time zone name, such as America/New_York.")
    return ZoneInfo(name)


def _fields(expression: str) -> str:
    fields = NICKNAMES.get(expression.strip().lower(), expression.strip())
    if len(fields.split()) != 5:
        raise ScheduleError("cronExpression", "A cron expression has five fields: minute hour day month weekday.")
    return fields


def _simulation(fields: str, start: dt.datetime) -> CronSim:
    try:
        return CronSim(fields, start)
    except CronSimError as exc:
        raise ScheduleError("cronExpression", f"{exc} in {fields!r}.") from exc


def validate(expression: str, timezone: str) -> str:
    """The expression in words; ScheduleError when the expression or the zone is not valid."""
    zone(timezone)
    return _simulation(_fields(expression), dt.datetime(2000, 1, 1)).explain()


def _is_imaginary(wall: dt.datetime, tz: ZoneInfo) -> bool:
    aware = wall.replace(tzinfo=tz)
    return aware.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None) != wall


def _is_repeated(local: dt.datetime) -> bool:
    return local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset()


def _skipped_between(fields: str, tz: ZoneInfo, previous: dt.datetime, fire: dt.datetime) -> bool:
    """Whether a wall time the expression names between two instants did not exist (clocks went forward)."""
    before, after = previous.utcoffset(), fire.utcoffset()
    if before is None or after is None or before >= after:
        return False
    end = fire.replace(tzinfo=None)
    # Without a zone, cronsim walks wall-clock time: the slots as written, whether or not the zone had them.
    for wall in CronSim(fields, previous.replace(tzinfo=None)):
        if wall >= end:
            return False
        if _is_imaginary(wall, tz):
            return True
    return False


def fire_times(expression: str, timezone: str, *, after: dt.datetime, count: int = 5) -> Schedule:
    """The next `count` fire times strictly after `after` (an aware instant), with what they mean in words."""
    if not 1 <= count <= MAX_COUNT:
        raise ScheduleError("count", f"Between 1 and {MAX_COUNT}.")
    tz = zone(timezone)
    fields = _fields(expression)
    previous = after.astimezone(tz)
    simulation = _simulation(fields, previous)
    times: list[FireTime] = []
    for local in simulation:
        times.append(FireTime(local, _skipped_between(fields, tz, previous, local), _is_repeated(local)))
        if len(times) == count:
            break
        previous = local
    return Schedule(expression=expression, timezone=timezone, description=simulation.explain(), fire_times=times)


def next_fire(expression: str, timezone: str, *, after: dt.datetime) -> dt.datetime:
    """The first fire time after `after`, in UTC."""
    return fire_times(expression, timezone, after=after, count=1).fire_times[0].utc
