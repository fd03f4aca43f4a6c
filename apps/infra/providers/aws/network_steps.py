"""A network as idempotent steps over the EC2 API, and its destroy steps in reverse order.

Create: VPC → internet gateway → subnets (public and private in up to three zones) → public route table →
NAT gateway (one, in the first public subnet, with its Elastic IP) → private route table → security group.
Destroy runs the same parts backwards. Outputs (`iacOutputs`): vpcId (also as providerNetworkId, which the runner lifts
onto the record), cidr, availabilityZones, publicSubnetIds, privateSubnetIds, natGatewayId, securityGroupId; the
cluster steps read them.
"""

from functools import cached_property, partial
from typing import Any

from apps.infra.providers.aws.cidr import PlannedSubnet, plan_subnets, validate_cidr
from apps.infra.providers.aws.clients import ClientFactory
from apps.infra.providers.aws.ec2_resources import (
    ADDRESS,
    INTERNET_GATEWAY,
    LIVE_NAT,
    NAT_GATEWAY,
    ROUTE_TABLE,
    SECURITY_GROUP,
    SUBNET,
    VPC,
    TaggedResources,
)
from apps.infra.providers.aws.errors import aws_errors, delete_quietly
from apps.infra.providers.aws.polling import GONE, Status, wait_for
from apps.infra.providers.aws.state import require, resources
from apps.infra.providers.base import ConnectionSpec, NetworkSpec, ProviderError, Step, StepContext

DEFAULT_CIDR = "10.0.0.0/16"
ANYWHERE = "0.0.0.0/0"
SUBNET_ROLE_TAGS = {"public": "kubernetes.io/role/elb", "private": "kubernetes.io/role/internal-elb"}


class NetworkSteps:
    def __init__(self, factory: ClientFactory, conn: ConnectionSpec, network: NetworkSpec) -> None:
        self.factory = factory
        self.conn = conn
        self.network = network
        self.prefix = f"lakesail-{network.id.lower()}"
        self.cidr = str(network.config.get("cidr") or DEFAULT_CIDR)

    @cached_property
    def tagged(self) -> TaggedResources:
        # Built on first use, so listing the steps costs no AWS call.
        return TaggedResources(self.factory.client(self.conn, "ec2", self.network.region), self.network.id, self.prefix)

    @property
    def ec2(self) -> Any:
        return self.tagged.ec2

    def create(self) -> list[Step]:
        validate_cidr(self.cidr)  # before any step runs: a bad CIDR fails the operation, not its third step
        return [
            self._step("vpc", "aws:ec2:Vpc", "create", self.create_vpc),
            self._step("internet-gateway", "aws:ec2:InternetGateway", "create", self.create_internet_gateway),
            self._step("subnets", "aws:ec2:Subnet", "create", self.create_subnets),
            self._step("public-route-table", "aws:ec2:RouteTable", "create", self.create_public_routes),
            self._step("nat-gateway", "aws:ec2:NatGateway", "create", self.create_nat_gateway),
            self._step("private-route-table", "aws:ec2:RouteTable", "create", self.create_private_routes),
            self._step("security-group", "aws:ec2:SecurityGroup", "create", self.create_security_group),
        ]

    def destroy(self) -> list[Step]:
        return [
            self._step("security-group", "aws:ec2:SecurityGroup", "delete", self.delete_security_group),
            self._step("private-route-table", "aws:ec2:RouteTable", "delete", self.delete_private_routes),
            self._step("nat-gateway", "aws:ec2:NatGateway", "delete", self.delete_nat_gateway),
            self._step("public-route-table", "aws:ec2:RouteTable", "delete", self.delete_public_routes),
            self._step("subnets", "aws:ec2:Subnet", "delete", self.delete_subnets),
            self._step("internet-gateway", "aws:ec2:InternetGateway", "delete", self.delete_internet_gateway),
            self._step("vpc", "aws:ec2:Vpc", "delete", self.delete_vpc),
        ]

    def _step(self, part: str, type_: str, operation: str, run: Any) -> Step:
        return Step(
            urn=f"lakesail:aws:ec2:{part}", type=type_, name=f"{self.prefix}-{part}", operation=operation, run=run
        )

    # --- create -------------------------------------------------------------------------------------------------

    def create_vpc(self, ctx: StepContext) -> None:
        with aws_errors("create the VPC"):
            vpc_id, _ = self.tagged.ensure(ctx, VPC, "vpc", self._new_vpc)
            # EKS nodes register by private DNS name: both attributes must be on.
            self.ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": True})
            self.ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
        ctx.state["cidr"] = self.cidr
        ctx.outputs.update(vpcId=vpc_id, providerNetworkId=vpc_id, cidr=self.cidr)

    def _new_vpc(self) -> str:
        vpc = self.ec2.create_vpc(CidrBlock=self.cidr, TagSpecifications=self.tagged.tag_specifications(VPC, "vpc"))
        return vpc["Vpc"]["VpcId"]

    def create_internet_gateway(self, ctx: StepContext) -> None:
        vpc_id = require(ctx, "vpc")
        with aws_errors("create the internet gateway"):
            igw_id, found = self.tagged.ensure(ctx, INTERNET_GATEWAY, "internet-gateway", self._new_internet_gateway)
            attached = {a["VpcId"] for a in (found or {}).get("Attachments", [])}
            if vpc_id not in attached:
                self.ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)

    def _new_internet_gateway(self) -> str:
        specs = self.tagged.tag_specifications(INTERNET_GATEWAY, "internet-gateway")
        return self.ec2.create_internet_gateway(TagSpecifications=specs)["InternetGateway"]["InternetGatewayId"]

    def create_subnets(self, ctx: StepContext) -> None:
        vpc_id = require(ctx, "vpc")
        with aws_errors("create the subnets"):
            # The zones are chosen once and kept: a retry must not plan the same CIDRs into other zones.
            zones = ctx.state.get("availabilityZones") or self._zones()
            ctx.state["availabilityZones"] = zones
            ids: dict[str, list[str]] = {"public": [], "private": []}
            plan = plan_subnets(self.cidr, zones)
            for planned in plan:
                subnet_id, _ = self.tagged.ensure(
                    ctx, SUBNET, f"subnet/{planned.key}", partial(self._new_subnet, vpc_id, planned)
                )
                if planned.kind == "public":
                    self.ec2.modify_subnet_attribute(SubnetId=subnet_id, MapPublicIpOnLaunch={"Value": True})
                ids[planned.kind].append(subnet_id)
        ctx.outputs.update(
            availabilityZones=sorted({planned.zone for planned in plan}),
            publicSubnetIds=ids["public"],
            privateSubnetIds=ids["private"],
        )

    def _zones(self) -> list[str]:
        response = self.ec2.describe_availability_zones(Filters=[{"Name": "state", "Values": ["available"]}])
        # Local and Wavelength zones cannot hold EKS subnets.
        return sorted(
            z["ZoneName"]
            for z in response["AvailabilityZones"]
            if z.get("ZoneType", "availability-zone") == "availability-zone"
        )

    def _new_subnet(self, vpc_id: str, planned: PlannedSubnet) -> str:
        specs = self.tagged.tag_specifications(SUBNET, f"subnet/{planned.key}", {SUBNET_ROLE_TAGS[planned.kind]: "1"})
        subnet = self.ec2.create_subnet(
            VpcId=vpc_id, CidrBlock=planned.cidr, AvailabilityZone=planned.zone, TagSpecifications=specs
        )
        return subnet["Subnet"]["SubnetId"]

    def create_public_routes(self, ctx: StepContext) -> None:
        igw_id = require(ctx, "internet-gateway")
        with aws_errors("create the public route table"):
            self._route_table(ctx, "public-route-table", "public", {"GatewayId": igw_id})

    def create_nat_gateway(self, ctx: StepContext) -> None:
        subnet_id = self._subnet_ids(ctx, "public")[0]
        with aws_errors("create the NAT gateway"):
            allocation_id, _ = self.tagged.ensure(ctx, ADDRESS, "nat-address", self._new_address)
            nat_id, _ = self.tagged.ensure(
                ctx, NAT_GATEWAY, "nat-gateway", partial(self._new_nat_gateway, subnet_id, allocation_id), LIVE_NAT
            )
            wait_for(partial(self._nat_status, nat_id), what="The NAT gateway", ready={"available"}, failed={"failed"})
        ctx.outputs["natGatewayId"] = nat_id

    def _new_address(self) -> str:
        specs = self.tagged.tag_specifications(ADDRESS, "nat-address")
        return self.ec2.allocate_address(Domain="vpc", TagSpecifications=specs)["AllocationId"]

    def _new_nat_gateway(self, subnet_id: str, allocation_id: str) -> str:
        specs = self.tagged.tag_specifications(NAT_GATEWAY, "nat-gateway")
        nat = self.ec2.create_nat_gateway(SubnetId=subnet_id, AllocationId=allocation_id, TagSpecifications=specs)
        return nat["NatGateway"]["NatGatewayId"]

    def _nat_status(self, nat_id: str) -> Status:
        nats = self.ec2.describe_nat_gateways(NatGatewayIds=[nat_id])["NatGateways"]
        if not nats:
            return GONE, ""
        return nats[0]["State"], nats[0].get("FailureMessage", "")

    def create_private_routes(self, ctx: StepContext) -> None:
        nat_id = require(ctx, "nat-gateway")
        with aws_errors("create the private route table"):
            self._route_table(ctx, "private-route-table", "private", {"NatGatewayId": nat_id})

    def _route_table(self, ctx: StepContext, part: str, subnet_kind: str, target: dict[str, str]) -> None:
        vpc_id = require(ctx, "vpc")
        rtb_id, _ = self.tagged.ensure(ctx, ROUTE_TABLE, part, partial(self._new_route_table, vpc_id, part))
        table = self.ec2.describe_route_tables(RouteTableIds=[rtb_id])["RouteTables"][0]
        default = next((r for r in table.get("Routes", []) if r.get("DestinationCidrBlock") == ANYWHERE), None)
        if default is None:
            self.ec2.create_route(RouteTableId=rtb_id, DestinationCidrBlock=ANYWHERE, **target)
        elif not all(default.get(key) == value for key, value in target.items()):
            # A resumed run after the NAT gateway was replaced: the old route points at nothing.
            self.ec2.replace_route(RouteTableId=rtb_id, DestinationCidrBlock=ANYWHERE, **target)
        associated = {a.get("SubnetId") for a in table.get("Associations", [])}
        for subnet_id in self._subnet_ids(ctx, subnet_kind):
            if subnet_id not in associated:
                self.ec2.associate_route_table(RouteTableId=rtb_id, SubnetId=subnet_id)

    def _new_route_table(self, vpc_id: str, part: str) -> str:
        specs = self.tagged.tag_specifications(ROUTE_TABLE, part)
        return self.ec2.create_route_table(VpcId=vpc_id, TagSpecifications=specs)["RouteTable"]["RouteTableId"]

    def create_security_group(self, ctx: StepContext) -> None:
        vpc_id = require(ctx, "vpc")
        with aws_errors("create the security group"):
            sg_id, found = self.tagged.ensure(ctx, SECURITY_GROUP, "security-group", partial(self._new_group, vpc_id))
            permissions = (found or {}).get("IpPermissions", [])
            if not any(_allows_itself(permission, sg_id) for permission in permissions):
                # Nodes, the driver and the workers talk to each other on any port; nothing else gets in.
                self.ec2.authorize_security_group_ingress(
                    GroupId=sg_id,
                    IpPermissions=[
                        {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": sg_id, "Description": "within"}]}
                    ],
                )
        ctx.outputs["securityGroupId"] = sg_id

    def _new_group(self, vpc_id: str) -> str:
        group = self.ec2.create_security_group(
            GroupName=f"{self.prefix}-nodes",
            Description="LakeSail cluster: traffic between its nodes and pods",
            VpcId=vpc_id,
            TagSpecifications=self.tagged.tag_specifications(SECURITY_GROUP, "security-group"),
        )
        return group["GroupId"]

    # --- destroy ------------------------------------------------------------------------------------------------

    def delete_security_group(self, ctx: StepContext) -> None:
        with aws_errors("delete the security group"):
            self.tagged.delete(
                ctx, SECURITY_GROUP, "security-group", lambda g: self.ec2.delete_security_group(GroupId=g["GroupId"])
            )
        ctx.outputs.pop("securityGroupId", None)

    def delete_private_routes(self, ctx: StepContext) -> None:
        with aws_errors("delete the private route table"):
            self.tagged.delete(ctx, ROUTE_TABLE, "private-route-table", self._delete_route_table)

    def delete_nat_gateway(self, ctx: StepContext) -> None:
        with aws_errors("delete the NAT gateway"):
            nat = self.tagged.find(NAT_GATEWAY, "nat-gateway", resources(ctx).get("nat-gateway"), LIVE_NAT)
            if nat is not None:
                delete_quietly(lambda: self.ec2.delete_nat_gateway(NatGatewayId=nat["NatGatewayId"]))
                # The Elastic IP stays associated until the gateway is gone.
                wait_for(
                    partial(self._nat_status, nat["NatGatewayId"]),
                    what="The NAT gateway",
                    ready={"deleted", GONE},
                    failed=(),
                )
            resources(ctx).pop("nat-gateway", None)
            self.tagged.delete(
                ctx, ADDRESS, "nat-address", lambda a: self.ec2.release_address(AllocationId=a["AllocationId"])
            )
        ctx.outputs.pop("natGatewayId", None)

    def delete_public_routes(self, ctx: StepContext) -> None:
        with aws_errors("delete the public route table"):
            self.tagged.delete(ctx, ROUTE_TABLE, "public-route-table", self._delete_route_table)

    def _delete_route_table(self, table: dict) -> None:
        for association in table.get("Associations", []):
            if not association.get("Main"):
                delete_quietly(
                    partial(self.ec2.disassociate_route_table, AssociationId=association["RouteTableAssociationId"])
                )
        self.ec2.delete_route_table(RouteTableId=table["RouteTableId"])

    def delete_subnets(self, ctx: StepContext) -> None:
        with aws_errors("delete the subnets"):
            recorded = {part: sid for part, sid in resources(ctx).items() if part.startswith("subnet/")}
            existing = {s["SubnetId"] for s in self.tagged.find_all(SUBNET, "subnet/")}
            if recorded:
                found = self.ec2.describe_subnets(Filters=[{"Name": "subnet-id", "Values": list(recorded.values())}])
                existing |= {s["SubnetId"] for s in found["Subnets"]}
            for subnet_id in sorted(existing):
                delete_quietly(partial(self.ec2.delete_subnet, SubnetId=subnet_id))
            for part in recorded:
                resources(ctx).pop(part)
        for key in ("publicSubnetIds", "privateSubnetIds", "availabilityZones"):
            ctx.outputs.pop(key, None)

    def delete_internet_gateway(self, ctx: StepContext) -> None:
        with aws_errors("delete the internet gateway"):
            self.tagged.delete(ctx, INTERNET_GATEWAY, "internet-gateway", self._delete_internet_gateway)

    def _delete_internet_gateway(self, igw: dict) -> None:
        for attachment in igw.get("Attachments", []):
            delete_quietly(
                partial(
                    self.ec2.detach_internet_gateway,
                    InternetGatewayId=igw["InternetGatewayId"],
                    VpcId=attachment["VpcId"],
                )
            )
        self.ec2.delete_internet_gateway(InternetGatewayId=igw["InternetGatewayId"])

    def delete_vpc(self, ctx: StepContext) -> None:
        with aws_errors("delete the VPC"):
            self.tagged.delete(ctx, VPC, "vpc", lambda v: self.ec2.delete_vpc(VpcId=v["VpcId"]))
        for key in ("vpcId", "providerNetworkId", "cidr"):
            ctx.outputs.pop(key, None)

    # --- helpers ------------------------------------------------------------------------------------------------

    def _require(self, ctx: StepContext, part: str) -> str:
        resource_id = resources(ctx).get(part)
        if not resource_id:
            raise ProviderError(
                f"The network's {part} does not exist yet: run its steps in order.", code="out_of_order"
            )
        return resource_id

    def _subnet_ids(self, ctx: StepContext, kind: str) -> list[str]:
        ids = [sid for part, sid in sorted(resources(ctx).items()) if part.startswith(f"subnet/{kind}-")]
        if not ids:
            raise ProviderError(f"The network has no {kind} subnets yet: run its steps in order.", code="out_of_order")
        return ids


def _allows_itself(permission: dict, group_id: str) -> bool:
    return permission.get("IpProtocol") == "-1" and any(
        pair.get("GroupId") == group_id for pair in permission.get("UserIdGroupPairs", [])
    )
