"""Sharing catalogs, queries and jobs with teams: one implementation for the three kinds of team links.

A team-shared resource is managed by whoever holds its manage relation organization-wide or in one of its teams.
Creating one shared with teams needs the relation organization-wide or in every one of them, so nobody authors
resources into a team whose work they may not touch.
"""

from collections.abc import Iterable

from django.db import models

from apps.core import audit
from apps.core.errors import Conflict, InvalidInput, NotFound
from apps.core.principal import Principal
from apps.org.access import require
from apps.org.models import Team


def require_in_teams(principal: Principal, relation: str, team_ids: Iterable[str]) -> None:
    """The relation organization-wide, or in each of the teams a new resource will be shared with."""
    wanted = list(team_ids)
    if not wanted:
        require(principal, relation)
    for team_id in wanted:
        require(principal, relation, team_ids=[team_id])


def checked_team_ids(org_id: str, team_ids: Iterable[str], *, field: str = "teamIds") -> list[str]:
    """The teams, once each, in order; InvalidInput naming those that are not teams of the organization."""
    wanted = list(dict.fromkeys(team_ids))
    found = set(Team.objects.filter(organization_id=org_id, pk__in=wanted).values_list("pk", flat=True))
    unknown = [team_id for team_id in wanted if team_id not in found]
    if unknown:
        raise InvalidInput("Unknown teams.", field_errors={field: f"Unknown teams: {', '.join(unknown)}."})
    return wanted


def link_teams(principal: Principal, resource: models.Model, team_ids: list[str]) -> list[models.Model]:
    """Create the missing links (the ids are checked); returns the links of every named team, oldest first."""
    links = resource.team_links  # type: ignore[attr-defined]
    have = set(links.values_list("team_id", flat=True))
    link_model = links.model
    owner = links.field.name
    link_model.objects.bulk_create(
        link_model(**{owner: resource}, team_id=team_id, created_by=principal.id, updated_by=principal.id)
        for team_id in team_ids
        if team_id not in have
    )
    return list(links.filter(team_id__in=team_ids).order_by("created_at", "id"))


def teams_add(
    *, principal: Principal, resource: models.Model, relation: str, team_ids: list[str]
) -> list[models.Model]:
    """Share a resource with more teams (teams that have it keep their link); the caller holds the transaction."""
    require(principal, relation, resource, team_ids=resource.team_ids)  # type: ignore[attr-defined]
    wanted = checked_team_ids(resource.organization_id, team_ids)  # type: ignore[attr-defined]
    have = set(resource.team_ids)  # type: ignore[attr-defined]
    links = link_teams(principal, resource, wanted)
    _record(resource, "teams.add", {"teamIds": [t for t in wanted if t not in have]})
    return links


def team_remove(
    *, principal: Principal, resource: models.Model, relation: str, team_id: str, keep_one: bool = False
) -> None:
    """Stop sharing a resource with a team; `keep_one` refuses to remove its last team."""
    team_ids = resource.team_ids  # type: ignore[attr-defined]
    require(principal, relation, resource, team_ids=team_ids)
    if team_id not in team_ids:
        raise NotFound("The resource is not shared with this team.", code="team_link_not_found")
    if keep_one and team_ids == [team_id]:
        raise Conflict("This is the last team: add another one before removing it.", code="last_team")
    resource.team_links.filter(team_id=team_id).delete()  # type: ignore[attr-defined]
    _record(resource, "teams.remove", {"teamId": team_id})


def _record(resource: models.Model, action: str, changes: dict) -> None:
    kind = resource._meta.model_name
    audit.record(
        f"{kind}.{action}",
        organization_id=resource.organization_id,  # type: ignore[attr-defined]
        target_type=str(kind),
        target_id=resource.pk,
        changes=changes,
    )
