"""Regions, instance types and VPCs, read through the assumed role and cached."""

import pytest
from botocore.stub import Stubber

from apps.infra.providers.base import ProviderError
from tests.infra.aws.conftest import REGION, customer_client


def test_regions_leave_out_china_and_govcloud(provider, connection):
    regions = {r.id: r.name for r in provider.regions(connection)}

    assert regions["us-east-1"] == "US East (N. Virginia)"
    assert "eu-west-1" in regions
    # moto lists cn-north-1 and us-gov-west-1: the filter is what removes them.
    assert not [r for r in regions if r.startswith(("cn-", "us-gov-"))]


def test_instance_types_carry_vcpus_memory_architecture_gpus_and_a_price(provider, connection):
    types = {t.id: t for t in provider.instance_types(connection, REGION)}

    graviton = types["m7g.large"]
    assert (graviton.vcpus, graviton.memory_mib, graviton.architecture, graviton.gpus) == (2, 8192, "arm64", 0)
    assert graviton.hourly_price_usd == 0.0816
    gpu = types["g4dn.12xlarge"]
    assert (gpu.architecture, gpu.gpus) == ("x86_64", 4)
    assert (types["m7i.large"].architecture, types["m7i.large"].hourly_price_usd) == ("x86_64", 0.1008)
    assert types["c6i.large"].hourly_price_usd is None  # not in the bundled table


def test_vpcs_are_the_customer_accounts_and_cached(provider, connection):
    customer_ec2 = customer_client("ec2")
    vpc_id = customer_ec2.create_vpc(
        CidrBlock="10.42.0.0/16",
        TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "data"}]}],
    )["Vpc"]["VpcId"]

    networks = {n.id: n for n in provider.provider_networks(connection, REGION)}

    assert (networks[vpc_id].name, networks[vpc_id].cidr, networks[vpc_id].is_default) == (
        "data",
        "10.42.0.0/16",
        False,
    )
    assert [n for n in networks.values() if n.is_default]
    # Our own account's VPCs are not the customer's.
    assert len(networks) == len(customer_ec2.describe_vpcs()["Vpcs"])

    later = customer_ec2.create_vpc(CidrBlock="10.43.0.0/16")["Vpc"]["VpcId"]
    assert later not in {n.id for n in provider.provider_networks(connection, REGION)}
    provider.catalog.cache.clear()
    assert later in {n.id for n in provider.provider_networks(connection, REGION)}


def test_a_throttled_listing_is_retryable_and_a_denied_one_is_not(provider, connection):
    # Stubber: moto neither throttles nor enforces the role's policy.
    ec2 = provider.clients.client(connection, "ec2")
    with Stubber(ec2) as stub:
        stub.add_client_error("describe_regions", service_error_code="RequestLimitExceeded", http_status_code=503)
        stub.add_client_error("describe_regions", service_error_code="UnauthorizedOperation", http_status_code=403)
        with pytest.raises(ProviderError) as throttled:
            provider.regions(connection)
        with pytest.raises(ProviderError) as denied:
            provider.regions(connection)

    assert (throttled.value.code, throttled.value.retryable) == ("aws_throttled", True)
    assert (denied.value.code, denied.value.retryable) == ("aws_access_denied", False)


def test_a_server_error_is_retryable(provider, connection):
    # Stubber: moto does not fail on purpose.
    with Stubber(provider.clients.client(connection, "ec2")) as stub:
        stub.add_client_error("describe_regions", service_error_code="InternalError", http_status_code=500)
        with pytest.raises(ProviderError) as raised:
            provider.regions(connection)

    assert (raised.value.code, raised.value.retryable) == ("aws_unavailable", True)
