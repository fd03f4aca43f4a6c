"""CIDR lists from settings (outbound allow-list, trusted proxies), parsed once, and membership tests."""

import ipaddress
from collections.abc import Iterable
from functools import cache

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _parsed(cidrs: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(c, strict=False) for c in cidrs)


def networks(cidrs: Iterable[str]) -> tuple[Network, ...]:
    return _parsed(tuple(cidrs))


def in_networks(ip: IPAddress, nets: Iterable[Network]) -> bool:
    return any(ip in net for net in nets)


def parse_address(text: str) -> IPAddress | None:
    """An address as a socket or a proxy reports it (an IPv6 zone suffix dropped); None when it is not one."""
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
