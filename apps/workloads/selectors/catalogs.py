"""Reads of catalogs (`CanViewCatalogs`): organization-wide, or through the teams a catalog is shared with."""

from django.db.models import Prefetch, QuerySet

from apps.core.errors import NotFound
from apps.core.principal import Principal
from apps.org.access import visible
from apps.org.models import Team
from apps.org.selectors.teams import team_get
from apps.workloads.models import Catalog, CatalogTeam


def catalog_list(*, principal: Principal, relation: str = "CanViewCatalogs") -> QuerySet[Catalog]:
    links = Prefetch("team_links", queryset=CatalogTeam.objects.only("id", "catalog_id", "team_id").order_by("id"))
    return visible(Catalog.objects.prefetch_related(links), principal, relation, team_field="teams")


def catalog_get(*, principal: Principal, catalog_id: str, relation: str = "CanViewCatalogs") -> Catalog:
    catalog = catalog_list(principal=principal, relation=relation).filter(pk=catalog_id).first()
    if catalog is None:
        raise NotFound("Catalog not found.", code="catalog_not_found")
    return catalog


def catalog_team_links(*, catalog: Catalog) -> QuerySet[CatalogTeam]:
    return CatalogTeam.objects.filter(catalog=catalog).order_by("created_at", "id")


def team_with_catalogs(*, principal: Principal, team_id: str) -> Team:
    """A team in whose catalogs the principal may look (`CanViewCatalogs` org-wide or in that team)."""
    return team_get(principal=principal, team_id=team_id, relation="CanViewCatalogs")


def team_catalogs(*, principal: Principal, team: Team) -> QuerySet[Catalog]:
    return catalog_list(principal=principal).filter(team_links__team=team)
