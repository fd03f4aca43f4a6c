"""Schedule previews: reads of what a cron expression means, for the job editor and the job pages."""

import datetime as dt

from apps.core.errors import InvalidInput
from apps.core.principal import Principal
from apps.org.access import grants, require
from apps.workloads.schedule import Schedule, ScheduleError, fire_times

RELATION = "CanViewJobs"


def checked_fire_times(expression: str, timezone: str, *, after: dt.datetime, count: int) -> Schedule:
    """`schedule.fire_times`, its errors as InvalidInput on the wire field they concern."""
    try:
        return fire_times(expression, timezone, after=after, count=count)
    except ScheduleError as exc:
        raise InvalidInput(exc.message, field_errors={exc.field: exc.message}) from exc


def schedule_preview(
    *, principal: Principal, expression: str, timezone: str, after: dt.datetime, count: int
) -> Schedule:
    """An unsaved schedule, for whoever may see jobs (organization-wide or in any team)."""
    require(principal, RELATION, team_ids=grants(principal).teams_with(RELATION))
    return checked_fire_times(expression, timezone, after=after, count=count)
