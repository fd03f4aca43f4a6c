from typing import Any

from django.db import transaction

from apps.core import audit
from apps.core.errors import Conflict, InvalidInput, NotFound
from apps.core.events import publish
from apps.core.principal import Principal
from apps.org.access import require
from apps.workloads.models import Catalog, Job, Query, QueryTeam
from apps.workloads.runner import split_statements
from apps.workloads.selectors.catalogs import catalog_get
from apps.workloads.services.sharing import (
    checked_team_ids,
    link_teams,
    require_in_teams,
    team_remove,
    teams_add,
)

MANAGE = "CanManageQueries"
MAX_TAGS = 20
MAX_TAG_LENGTH = 50

# Fields a create or an update may set, by wire name.
FIELDS = {
    "name": "name",
    "description": "description",
    "catalogId": "catalog",
    "catalog_schema": "catalog_schema",
    "queryText": "query_text",
    "tags": "tags",
}


def usable_catalog(principal: Principal, catalog_id: str | None, field: str = "catalogId") -> Catalog | None:
    """The catalog a query names: one the principal may see, or InvalidInput on `field`."""
    if not catalog_id:
        return None
    try:
        return catalog_get(principal=principal, catalog_id=catalog_id)
    except NotFound as exc:
        raise InvalidInput("Unknown catalog.", field_errors={field: "No catalog you can see has this id."}) from exc


def _checked(principal: Principal, values: dict[str, Any]) -> dict[str, Any]:
    """Model values from wire values, each checked."""
    out: dict[str, Any] = {}
    for wire, value in values.items():
        attr = FIELDS[wire]
        if wire == "name":
            value = value.strip()
            if not value:
                raise InvalidInput("A query needs a name.", field_errors={"name": "Required."})
        elif wire == "queryText" and not split_statements(value):
            raise InvalidInput("The query has no SQL statement.", field_errors={"queryText": "No SQL statement."})
        elif wire == "catalogId":
            value = usable_catalog(principal, value)
        elif wire == "tags":
            value = list(dict.fromkeys(tag.strip() for tag in value if tag.strip()))
            if len(value) > MAX_TAGS or any(len(tag) > MAX_TAG_LENGTH for tag in value):
                raise InvalidInput(
                    "Too many or too long tags.",
                    field_errors={"tags": f"At most {MAX_TAGS} tags of {MAX_TAG_LENGTH} characters."},
                )
        elif isinstance(value, str):
            value = value.strip()
        out[attr] = value
    return out


def _record(action: str, query: Query, changes: dict[str, Any]) -> None:
    audit.record(
        f"query.{action}",
        organization_id=query.organization_id,
        target_type="query",
        target_id=query.pk,
        changes=changes,
    )


def _changes(values: dict[str, Any]) -> dict[str, Any]:
    return {key: (value.pk if isinstance(value, Catalog) else value) for key, value in values.items()}


@transaction.atomic
def query_create(*, principal: Principal, values: dict[str, Any], team_ids: list[str]) -> Query:
    """`values` by wire name (`name`, `queryText` required; `description`, `catalogId`, `catalog_schema`, `tags`)."""
    require_in_teams(principal, MANAGE, team_ids)
    teams = checked_team_ids(principal.org.pk, team_ids)
    fields = _checked(principal, values)
    query = Query.objects.create(organization=principal.org, member=principal.member, **fields)
    link_teams(principal, query, teams)
    publish("query.created", query, {"name": query.name})
    _record("create", query, {**_changes(fields), "teamIds": teams})
    return query


@transaction.atomic
def query_update(*, principal: Principal, query: Query, values: dict[str, Any]) -> Query:
    require(principal, MANAGE, query, team_ids=query.team_ids)
    query = Query.objects.select_for_update().get(pk=query.pk)
    fields = _checked(principal, values)
    for attr, value in fields.items():
        setattr(query, attr, value)
    query.save()
    publish("query.updated", query, {"name": query.name})
    _record("update", query, _changes(fields))
    return query


@transaction.atomic
def query_delete(*, principal: Principal, query: Query) -> None:
    """Delete a query and its team links, unless the current version of a job runs it."""
    require(principal, MANAGE, query, team_ids=query.team_ids)
    users = list(Job.objects.filter(current_version__query=query).values_list("job_key", flat=True)[:10])
    if users:
        raise Conflict(
            f"Jobs run this query: {', '.join(users)}. Publish versions of them without it first.",
            code="query_in_use",
        )
    publish("query.deleted", query, {"name": query.name})
    _record("delete", query, {"name": query.name})
    query.delete()


@transaction.atomic
def query_teams_add(*, principal: Principal, query: Query, team_ids: list[str]) -> list[QueryTeam]:
    return teams_add(principal=principal, resource=query, relation=MANAGE, team_ids=team_ids)  # type: ignore[return-value]


@transaction.atomic
def query_team_remove(*, principal: Principal, query: Query, team_id: str) -> None:
    team_remove(principal=principal, resource=query, relation=MANAGE, team_id=team_id)
