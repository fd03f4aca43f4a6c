"""Subnet CIDRs planned in Python from the network's CIDR."""

import ipaddress

import pytest

from apps.infra.providers.aws.cidr import plan_subnets
from apps.infra.providers.base import ProviderError

ZONES = ["us-east-1c", "us-east-1a", "us-east-1d", "us-east-1b"]


def test_three_zones_get_a_private_and_a_public_subnet_each_inside_the_vpc_without_overlap():
    plan = plan_subnets("10.0.0.0/16", ZONES)

    assert [(p.kind, p.zone, p.cidr) for p in plan] == [
        ("private", "us-east-1a", "10.0.0.0/18"),
        ("private", "us-east-1b", "10.0.64.0/18"),
        ("private", "us-east-1c", "10.0.128.0/18"),
        ("public", "us-east-1a", "10.0.192.0/20"),
        ("public", "us-east-1b", "10.0.208.0/20"),
        ("public", "us-east-1c", "10.0.224.0/20"),
    ]
    networks = [ipaddress.ip_network(p.cidr) for p in plan]
    assert all(n.subnet_of(ipaddress.ip_network("10.0.0.0/16")) for n in networks)
    assert not any(a.overlaps(b) for i, a in enumerate(networks) for b in networks[i + 1 :])


def test_two_zones_and_the_smallest_vpc():
    plan = plan_subnets("192.168.4.0/24", ["eu-west-1b", "eu-west-1a"])

    assert [(p.key, p.cidr) for p in plan] == [
        ("private-eu-west-1a", "192.168.4.0/26"),
        ("private-eu-west-1b", "192.168.4.64/26"),
        ("public-eu-west-1a", "192.168.4.192/28"),
        ("public-eu-west-1b", "192.168.4.208/28"),
    ]


@pytest.mark.parametrize(
    ("cidr", "zones", "code"),
    [
        ("10.0.0.0/25", ZONES, "invalid_cidr"),  # public subnets would be below /28
        ("10.0.0.0/8", ZONES, "invalid_cidr"),  # larger than AWS allows a VPC
        ("10.0.0.1/16", ZONES, "invalid_cidr"),  # host bits set
        ("8.8.0.0/16", ZONES, "invalid_cidr"),  # not private
        ("fd00::/48", ZONES, "invalid_cidr"),
        ("10.0.0.0/16", ["us-east-1a"], "too_few_zones"),
    ],
)
def test_plans_that_cannot_work_are_refused(cidr, zones, code):
    with pytest.raises(ProviderError) as raised:
        plan_subnets(cidr, zones)

    assert raised.value.code == code
    assert not raised.value.retryable
