from collections.abc import Iterable

from django.db.models import QuerySet

from apps.core.errors import NotFound
from apps.core.principal import Principal
from apps.infra.models import Connection
from apps.org.access import visible

# Never on the wire: loaded (and the external id decrypted) only when a provider call needs them.
UNLISTED = ("external_id", "template_state")


def connection_list(*, principal: Principal, relation: str = "CanViewConnections") -> QuerySet[Connection]:
    return visible(Connection.objects.select_related("last_operation").defer(*UNLISTED), principal, relation)


def connections_by_id(ids: Iterable[str]) -> list[Connection]:
    """The connections of records already read through a selector (for `included`)."""
    return list(Connection.objects.filter(pk__in=set(ids)).defer(*UNLISTED))


def connection_get(*, principal: Principal, connection_id: str) -> Connection:
    connection = connection_list(principal=principal).filter(pk=connection_id).first()
    if connection is None:
        raise NotFound("Connection not found.", code="connection_not_found")
    return connection
