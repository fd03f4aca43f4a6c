"""Subnet CIDRs computed in Python: the VPC's first three quarters are private subnets (one per zone, where the
pods and nodes live), its last quarter holds the small public ones (load balancers and the NAT gateway)."""

import ipaddress
from dataclasses import dataclass

from apps.infra.providers.base import ProviderError

MAX_ZONES = 3
MIN_ZONES = 2  # EKS wants subnets in at least two zones
# /16 is the largest VPC AWS allows; past /24 the public subnets would be smaller than the /28 minimum.
MIN_PREFIX, MAX_PREFIX = 16, 24


@dataclass(frozen=True)
class PlannedSubnet:
    key: str  # "public-us-east-1a": stable across runs, recorded in iacState and in a tag
    kind: str  # "public" | "private"
    zone: str
    cidr: str


def validate_cidr(cidr: str) -> ipaddress.IPv4Network:
    try:
        network = ipaddress.IPv4Network(cidr, strict=True)
    except ValueError as exc:
        raise ProviderError(f"{cidr!r} is not an IPv4 network: {exc}.", code="invalid_cidr") from exc
    if not MIN_PREFIX <= network.prefixlen <= MAX_PREFIX:
        raise ProviderError(
            f"The network's CIDR must be between /{MIN_PREFIX} and /{MAX_PREFIX}; {cidr} is not.", code="invalid_cidr"
        )
    if not network.is_private:
        raise ProviderError(f"{cidr} is not a private range (RFC 1918).", code="invalid_cidr")
    return network


def plan_subnets(cidr: str, zones: list[str]) -> list[PlannedSubnet]:
    """Public and private subnets for the first `MAX_ZONES` of `zones` (sorted), from the VPC's `cidr`."""
    network = validate_cidr(cidr)
    chosen = sorted(zones)[:MAX_ZONES]
    if len(chosen) < MIN_ZONES:
        raise ProviderError(
            f"The region has {len(chosen)} usable zone(s); EKS needs {MIN_ZONES}.", code="too_few_zones"
        )
    quarters = list(network.subnets(prefixlen_diff=2))
    public_blocks = list(quarters[3].subnets(prefixlen_diff=2))
    plan = [PlannedSubnet(f"private-{zone}", "private", zone, str(quarters[i])) for i, zone in enumerate(chosen)]
    plan += [PlannedSubnet(f"public-{zone}", "public", zone, str(public_blocks[i])) for i, zone in enumerate(chosen)]
    return plan
