import json
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from apps.core import audit
from apps.core.errors import Conflict, InvalidInput
from apps.core.events import publish
from apps.core.principal import Principal
from apps.org.access import require
from apps.workloads.catalog_providers import catalog_secrets, checked_config
from apps.workloads.models import Catalog, CatalogProvider, CatalogTeam
from apps.workloads.services.sharing import (
    checked_team_ids,
    link_teams,
    require_in_teams,
    team_remove,
    teams_add,
)

MANAGE = "CanManageCatalogs"


def _unique_name(org_id: str, name: str, exclude: str | None = None) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput("A catalog needs a name.", field_errors={"name": "Required."})
    if Catalog.objects.filter(organization_id=org_id, name__iexact=name).exclude(pk=exclude).exists():
        raise Conflict(
            f"A catalog named {name!r} exists.", code="catalog_exists", field_errors={"name": "Already taken."}
        )
    return name


def _record(action: str, catalog: Catalog, changes: dict[str, Any]) -> None:
    audit.record(
        f"catalog.{action}",
        organization_id=catalog.organization_id,
        target_type="catalog",
        target_id=catalog.pk,
        changes=changes,
    )


@transaction.atomic
def catalog_create(
    *,
    principal: Principal,
    name: str,
    provider: str,
    config_write: Mapping[str, Any],
    team_ids: list[str],
) -> Catalog:
    require_in_teams(principal, MANAGE, team_ids)
    org_id = principal.org.pk
    if provider not in CatalogProvider.values:
        raise InvalidInput(
            f"Unknown provider {provider!r}.",
            field_errors={"provider": f"One of: {', '.join(CatalogProvider.values)}."},
        )
    teams = checked_team_ids(org_id, team_ids)
    config, secrets = checked_config(provider, config_write, config={}, secrets={})
    catalog = Catalog.objects.create(
        organization_id=org_id,
        name=_unique_name(org_id, name),
        provider=provider,
        config=config,
        secrets=json.dumps(secrets) if secrets else "",
    )
    link_teams(principal, catalog, teams)
    publish("catalog.created", catalog, {"name": catalog.name, "provider": provider})
    _record("create", catalog, {"name": catalog.name, "provider": provider, "config": config, "teamIds": teams})
    return catalog


@transaction.atomic
def catalog_update(
    *, principal: Principal, catalog: Catalog, name: str | None = None, config_write: Mapping[str, Any] | None = None
) -> Catalog:
    """Rename, or change options (a merge patch: options sent as null are unset, options left out are kept)."""
    require(principal, MANAGE, catalog, team_ids=catalog.team_ids)
    catalog = Catalog.objects.select_for_update().get(pk=catalog.pk)
    changes: dict[str, Any] = {}
    if name is not None:
        catalog.name = changes["name"] = _unique_name(catalog.organization_id, name, exclude=catalog.pk)
    if config_write is not None:
        config, secrets = checked_config(
            catalog.provider, config_write, config=catalog.config, secrets=catalog_secrets(catalog)
        )
        catalog.config, catalog.secrets = config, json.dumps(secrets) if secrets else ""
        changes["config"] = config  # the options shown; write-only ones appear only by name
        changes["optionsSent"] = sorted(config_write)
    catalog.save()
    publish("catalog.updated", catalog, {"name": catalog.name})
    _record("update", catalog, changes)
    return catalog


@transaction.atomic
def catalog_delete(*, principal: Principal, catalog: Catalog) -> None:
    """Delete a catalog and its team links; queries that used it are left without a catalog."""
    require(principal, MANAGE, catalog, team_ids=catalog.team_ids)
    publish("catalog.deleted", catalog, {"name": catalog.name})
    _record("delete", catalog, {"name": catalog.name, "queriesUnlinked": catalog.queries.count()})
    catalog.delete()


@transaction.atomic
def catalog_teams_add(*, principal: Principal, catalog: Catalog, team_ids: list[str]) -> list[CatalogTeam]:
    return teams_add(principal=principal, resource=catalog, relation=MANAGE, team_ids=team_ids)  # type: ignore[return-value]


@transaction.atomic
def catalog_team_remove(*, principal: Principal, catalog: Catalog, team_id: str) -> None:
    team_remove(principal=principal, resource=catalog, relation=MANAGE, team_id=team_id)
