"""A network provisioned and destroyed as steps in the customer's account (moto), the way the runner runs them."""

import pytest

from apps.infra.providers.aws.cidr import plan_subnets
from apps.infra.providers.aws.ec2_resources import NETWORK_TAG
from apps.infra.providers.base import NetworkSpec, ProviderError, StepContext
from tests.infra.aws.conftest import REGION, customer_client, run_steps

NETWORK = NetworkSpec(id="NET0000001", name="Production", region=REGION, config={"cidr": "10.0.0.0/16"})


def tagged(network_id: str = NETWORK.id) -> dict[str, list[str]]:
    """Every resource in the customer's account that carries the network's tag, by kind."""
    ec2 = customer_client("ec2")
    by_tag = [{"Name": f"tag:{NETWORK_TAG}", "Values": [network_id]}]
    live_nat = [*by_tag, {"Name": "state", "Values": ["pending", "available"]}]
    return {
        "vpcs": [v["VpcId"] for v in ec2.describe_vpcs(Filters=by_tag)["Vpcs"]],
        "subnets": sorted(s["SubnetId"] for s in ec2.describe_subnets(Filters=by_tag)["Subnets"]),
        "internet_gateways": [
            g["InternetGatewayId"] for g in ec2.describe_internet_gateways(Filters=by_tag)["InternetGateways"]
        ],
        "route_tables": sorted(t["RouteTableId"] for t in ec2.describe_route_tables(Filters=by_tag)["RouteTables"]),
        "nat_gateways": [n["NatGatewayId"] for n in ec2.describe_nat_gateways(Filters=live_nat)["NatGateways"]],
        "addresses": [a["AllocationId"] for a in ec2.describe_addresses(Filters=by_tag)["Addresses"]],
        "security_groups": [g["GroupId"] for g in ec2.describe_security_groups(Filters=by_tag)["SecurityGroups"]],
    }


def counts(found: dict[str, list[str]]) -> dict[str, int]:
    return {kind: len(ids) for kind, ids in found.items()}


def test_provisioning_builds_the_network_across_three_zones(provider, connection):
    ctx = run_steps(provider.network_steps(connection, NETWORK))

    ec2 = customer_client("ec2")
    out = ctx.outputs
    assert counts(tagged()) == {
        "vpcs": 1,
        "subnets": 6,
        "internet_gateways": 1,
        "route_tables": 2,
        "nat_gateways": 1,
        "addresses": 1,
        "security_groups": 1,
    }
    vpc = ec2.describe_vpcs(VpcIds=[out["vpcId"]])["Vpcs"][0]
    assert out["providerNetworkId"] == vpc["VpcId"]
    assert vpc["CidrBlock"] == "10.0.0.0/16"
    assert ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute="enableDnsHostnames")["EnableDnsHostnames"]["Value"]

    zones = out["availabilityZones"]
    assert len(zones) == 3 and zones == sorted(zones)
    subnets = {
        s["SubnetId"]: s
        for s in ec2.describe_subnets(SubnetIds=out["publicSubnetIds"] + out["privateSubnetIds"])["Subnets"]
    }
    planned = {p.key: p for p in plan_subnets("10.0.0.0/16", zones)}
    for kind in ("public", "private"):
        for subnet_id, zone in zip(out[f"{kind}SubnetIds"], zones, strict=True):
            subnet = subnets[subnet_id]
            assert (subnet["AvailabilityZone"], subnet["CidrBlock"]) == (zone, planned[f"{kind}-{zone}"].cidr)
            assert subnet["MapPublicIpOnLaunch"] is (kind == "public")
            role_tag = "kubernetes.io/role/elb" if kind == "public" else "kubernetes.io/role/internal-elb"
            assert {"Key": role_tag, "Value": "1"} in subnet["Tags"]

    [igw] = ec2.describe_internet_gateways(InternetGatewayIds=tagged()["internet_gateways"])["InternetGateways"]
    assert [a["VpcId"] for a in igw["Attachments"]] == [vpc["VpcId"]]

    [nat] = ec2.describe_nat_gateways(NatGatewayIds=[out["natGatewayId"]])["NatGateways"]
    assert (nat["State"], nat["SubnetId"]) == ("available", out["publicSubnetIds"][0])
    assert nat["NatGatewayAddresses"][0]["AllocationId"] == ctx.state["resources"]["nat-address"]

    for part, target_key, target, kind in [
        ("public-route-table", "GatewayId", igw["InternetGatewayId"], "public"),
        ("private-route-table", "NatGatewayId", nat["NatGatewayId"], "private"),
    ]:
        table = ec2.describe_route_tables(RouteTableIds=[ctx.state["resources"][part]])["RouteTables"][0]
        default = next(r for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0")
        assert default[target_key] == target
        assert sorted(a["SubnetId"] for a in table["Associations"]) == sorted(out[f"{kind}SubnetIds"])

    group = ec2.describe_security_groups(GroupIds=[out["securityGroupId"]])["SecurityGroups"][0]
    assert group["VpcId"] == vpc["VpcId"]
    [rule] = group["IpPermissions"]
    assert (rule["IpProtocol"], [p["GroupId"] for p in rule["UserIdGroupPairs"]]) == ("-1", [group["GroupId"]])

    assert sorted(ctx.state["resources"]) == sorted(
        ["vpc", "internet-gateway", "public-route-table", "nat-address", "nat-gateway", "private-route-table"]
        + ["security-group"]
        + [f"subnet/{key}" for key in planned]
    )


def test_every_step_run_twice_creates_nothing_new(provider, connection):
    ctx = StepContext(state={}, outputs={})
    for step in provider.network_steps(connection, NETWORK):
        step.run(ctx)
        before, state = tagged(), repr(ctx.state)
        step.run(ctx)
        assert (tagged(), repr(ctx.state)) == (before, state), step.urn

    again = run_steps(provider.network_steps(connection, NETWORK), ctx)

    assert counts(tagged())["subnets"] == 6
    assert again.outputs == ctx.outputs


def test_a_run_that_lost_its_state_finds_what_it_created_by_tag(provider, connection):
    first = run_steps(provider.network_steps(connection, NETWORK)[:3])  # VPC, internet gateway, subnets
    created = tagged()

    # As if the worker died before the runner saved iacState: the retried operation starts from nothing.
    resumed = run_steps(provider.network_steps(connection, NETWORK))

    assert resumed.outputs["vpcId"] == first.outputs["vpcId"]
    assert resumed.outputs["publicSubnetIds"] == first.outputs["publicSubnetIds"]
    now = tagged()
    assert {k: now[k] for k in ("vpcs", "subnets", "internet_gateways")} == {
        k: created[k] for k in ("vpcs", "subnets", "internet_gateways")
    }


def test_destroy_deletes_every_part_in_reverse_and_nothing_else(provider, connection):
    ec2 = customer_client("ec2")
    theirs = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    ctx = run_steps(provider.network_steps(connection, NETWORK))
    destroy = provider.network_destroy_steps(connection, NETWORK)
    assert [s.urn for s in destroy] == [s.urn for s in reversed(provider.network_steps(connection, NETWORK))]
    assert {s.operation for s in destroy} == {"delete"}

    run_steps(destroy, ctx)

    assert counts(tagged()) == dict.fromkeys(counts(tagged()), 0)
    assert ctx.state["resources"] == {}
    assert ctx.outputs == {}
    remaining = {v["VpcId"]: v for v in ec2.describe_vpcs()["Vpcs"]}
    assert theirs in remaining and any(v["IsDefault"] for v in remaining.values())
    assert not ec2.describe_addresses()["Addresses"]  # the NAT's Elastic IP was released

    run_steps(provider.network_destroy_steps(connection, NETWORK), ctx)  # a second destroy has nothing to do


def test_destroy_after_a_partial_provision_deletes_exactly_what_exists(provider, connection):
    other = NetworkSpec(id="NET0000002", name="Other", region=REGION, config={"cidr": "10.1.0.0/16"})
    run_steps(provider.network_steps(connection, other)[:2])
    ctx = run_steps(provider.network_steps(connection, NETWORK)[:3])  # VPC, internet gateway, subnets
    assert counts(tagged()) == {
        "vpcs": 1,
        "subnets": 6,
        "internet_gateways": 1,
        "route_tables": 0,
        "nat_gateways": 0,
        "addresses": 0,
        "security_groups": 0,
    }
    others = tagged(other.id)

    run_steps(provider.network_destroy_steps(connection, NETWORK), ctx)

    assert counts(tagged()) == dict.fromkeys(counts(tagged()), 0)
    assert tagged(other.id) == others


def test_destroy_finds_a_resource_whose_creation_was_never_recorded(provider, connection):
    run_steps(provider.network_steps(connection, NETWORK)[:1])  # its StepContext is dropped, as by a crash

    run_steps(provider.network_destroy_steps(connection, NETWORK))

    assert tagged()["vpcs"] == []


def test_steps_out_of_order_and_bad_cidrs_fail_without_touching_aws(provider, connection):
    with pytest.raises(ProviderError) as out_of_order:
        provider.network_steps(connection, NETWORK)[1].run(StepContext(state={}, outputs={}))
    with pytest.raises(ProviderError) as bad:
        provider.network_steps(
            connection, NetworkSpec(id="NET0000003", name="x", region=REGION, config={"cidr": "10.0.0.0/8"})
        )

    assert out_of_order.value.code == "out_of_order"
    assert bad.value.code == "invalid_cidr"
    assert counts(tagged()) == dict.fromkeys(counts(tagged()), 0)
