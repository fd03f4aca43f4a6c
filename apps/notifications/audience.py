"""Who may hear of an event: personal rules only tell their member what the member may see, team rules only
tell their team about what is shared with it. Decided with `apps.org.access` grants, loaded for every member
the event concerns at once (three queries, whatever the number of rules or members)."""

from apps.notifications.catalog import EventType
from apps.org.access import Grants
from apps.org.permissions import TEAM_RELATIONS


def sees(grants: Grants | None, event_type: EventType, team_ids: list[str]) -> bool:
    """Whether these grants show the event: its view relation org-wide, or in one of the teams it is shared with."""
    if grants is None:
        return False
    relation = event_type.view_relation
    return relation in grants.org_wide or any(relation in grants.in_teams.get(team, ()) for team in team_ids)


def team_hears(team_id: str, event_type: EventType, team_ids: list[str]) -> bool:
    """A team rule hears of team-shared resources shared with its team, and of organization-wide ones."""
    return team_id in team_ids if event_type.view_relation in TEAM_RELATIONS else True
