"""SQL validation: EXPLAIN each statement on a warm Sail server serving the query's catalog; nothing is executed."""

from apps.core.errors import ServiceUnavailable
from apps.infra.providers.local import SailStartError
from apps.workloads.catalog_providers import catalog_urls, check_catalog_url, sail_catalog_config
from apps.workloads.models import Catalog
from apps.workloads.sql_validation.explain import Problem, SqlCheck, Statement, ValidationUnavailable, check_sql
from apps.workloads.sql_validation.warm import stop_warm_servers, warm_server


def validate_sql(text: str, *, catalog: Catalog | None = None, database: str = "") -> SqlCheck:
    """Check `text` against `catalog` (else Sail's own memory catalog), in `database` when given.

    ServiceUnavailable (503) when no server could check it: the answer says nothing about the SQL then.
    """
    catalogs = [catalog] if catalog is not None else []
    for each in catalogs:
        for url in catalog_urls(each):
            check_catalog_url(url, "catalogId")  # again: the name may resolve elsewhere since it was saved
    try:
        server = warm_server(sail_catalog_config(catalogs))
        return check_sql(text, host=server.host, port=server.port, database=database)
    except (SailStartError, ValidationUnavailable) as exc:
        raise ServiceUnavailable(str(exc), code="validation_unavailable") from exc


__all__ = ["Problem", "SqlCheck", "Statement", "stop_warm_servers", "validate_sql"]
