"""SQL validation for authors: it writes nothing, but it costs a Sail server's time, so it is for those who author
queries (`CanManageQueries` somewhere) or, for a saved query, those who may see it."""

from apps.core.principal import Principal
from apps.org.access import grants, require
from apps.workloads.models import Query
from apps.workloads.services.queries import usable_catalog
from apps.workloads.sql_validation import SqlCheck, validate_sql

AUTHOR = "CanManageQueries"


def sql_validate(*, principal: Principal, text: str, catalog_id: str | None = None, schema: str = "") -> SqlCheck:
    """Check unsaved SQL against a catalog the principal may see."""
    require(principal, AUTHOR, team_ids=grants(principal).teams_with(AUTHOR))
    catalog = usable_catalog(principal, catalog_id)
    return validate_sql(text, catalog=catalog, database=schema.strip())


def query_validate(*, principal: Principal, query: Query) -> SqlCheck:
    """Check a saved query (the selector that found it checked that the principal may see it)."""
    return validate_sql(query.query_text, catalog=query.catalog, database=query.catalog_schema)
