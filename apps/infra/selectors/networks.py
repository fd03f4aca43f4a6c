from django.db.models import QuerySet

from apps.core.errors import NotFound
from apps.core.principal import Principal
from apps.infra.models import Connection, Network
from apps.org.access import visible


def network_list(*, principal: Principal, connection: Connection | None = None) -> QuerySet[Network]:
    networks = visible(Network.objects.select_related("last_operation"), principal, "CanViewNetworks")
    return networks.filter(connection=connection) if connection is not None else networks


def network_get(*, principal: Principal, network_id: str, connection: Connection | None = None) -> Network:
    networks = network_list(principal=principal, connection=connection).select_related("connection")
    network = networks.filter(pk=network_id).first()
    if network is None:
        raise NotFound("Network not found.", code="network_not_found")
    return network
