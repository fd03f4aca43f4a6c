"""Reads of saved queries (`CanViewQueries`): organization-wide, or through the teams a query is shared with."""

from django.db.models import Prefetch, QuerySet

from apps.core.errors import NotFound
from apps.core.principal import Principal
from apps.org.access import visible
from apps.org.models import Team
from apps.workloads.models import Catalog, Query, QueryTeam


def query_list(*, principal: Principal, relation: str = "CanViewQueries") -> QuerySet[Query]:
    links = Prefetch("team_links", queryset=QueryTeam.objects.only("id", "query_id", "team_id").order_by("id"))
    return visible(
        Query.objects.select_related("catalog").prefetch_related(links), principal, relation, team_field="teams"
    )


def query_get(*, principal: Principal, query_id: str, relation: str = "CanViewQueries") -> Query:
    query = query_list(principal=principal, relation=relation).filter(pk=query_id).first()
    if query is None:
        raise NotFound("Query not found.", code="query_not_found")
    return query


def catalog_queries(*, principal: Principal, catalog: Catalog) -> QuerySet[Query]:
    return query_list(principal=principal).filter(catalog=catalog)


def team_queries(*, principal: Principal, team: Team) -> QuerySet[Query]:
    return query_list(principal=principal).filter(team_links__team=team)
