"""Find-or-create and find-and-delete for tagged EC2 resources: what makes the network's steps idempotent.

Every resource a network step creates carries two tags, the network's id and its `part` ("vpc", "subnet/
public-us-east-1a", ...), and its id is recorded in `iacState.resources[part]`. A step looks a resource up by the
recorded id first, then by its tags (which finds one created by a run that died before its state was saved), and
creates it only when both miss. Deleting does the same lookup, so a destroy after a partial provision deletes
exactly the parts that exist.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from apps.infra.providers.aws.errors import delete_quietly, is_not_found
from apps.infra.providers.aws.state import resources
from apps.infra.providers.base import StepContext

NETWORK_TAG = "lakesail:network-id"
PART_TAG = "lakesail:part"
MANAGED_BY_TAG = "lakesail:managed-by"


@dataclass(frozen=True)
class Kind:
    describe: str  # EC2 client method
    ids_param: str
    list_key: str
    id_key: str
    resource_type: str  # TagSpecifications' ResourceType


VPC = Kind("describe_vpcs", "VpcIds", "Vpcs", "VpcId", "vpc")
SUBNET = Kind("describe_subnets", "SubnetIds", "Subnets", "SubnetId", "subnet")
INTERNET_GATEWAY = Kind(
    "describe_internet_gateways", "InternetGatewayIds", "InternetGateways", "InternetGatewayId", "internet-gateway"
)
ROUTE_TABLE = Kind("describe_route_tables", "RouteTableIds", "RouteTables", "RouteTableId", "route-table")
ADDRESS = Kind("describe_addresses", "AllocationIds", "Addresses", "AllocationId", "elastic-ip")
NAT_GATEWAY = Kind("describe_nat_gateways", "NatGatewayIds", "NatGateways", "NatGatewayId", "natgateway")
SECURITY_GROUP = Kind("describe_security_groups", "GroupIds", "SecurityGroups", "GroupId", "security-group")

# A NAT gateway that is deleted or failed stays listed for an hour; it is not "ours" any more.
LIVE_NAT = [{"Name": "state", "Values": ["pending", "available"]}]


class TaggedResources:
    """The EC2 resources of one network, looked up by recorded id or by tag."""

    def __init__(self, ec2: Any, network_id: str, name_prefix: str) -> None:
        self.ec2 = ec2
        self.network_id = network_id
        self.name_prefix = name_prefix

    def tag_specifications(self, kind: Kind, part: str, extra: dict[str, str] | None = None) -> list[dict]:
        tags = {
            "Name": f"{self.name_prefix}-{part.replace('/', '-')}",
            NETWORK_TAG: self.network_id,
            PART_TAG: part,
            MANAGED_BY_TAG: "lakesail-console",
            **(extra or {}),
        }
        return [{"ResourceType": kind.resource_type, "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}]

    def find(self, kind: Kind, part: str, known_id: str | None, filters: list[dict] | None = None) -> dict | None:
        filters = filters or []
        if known_id:
            try:
                found = getattr(self.ec2, kind.describe)(**{kind.ids_param: [known_id]}, Filters=filters)[kind.list_key]
            except ClientError as exc:
                if not is_not_found(exc):
                    raise
                found = []
            if found:
                return found[0]
        tagged = [
            {"Name": f"tag:{NETWORK_TAG}", "Values": [self.network_id]},
            {"Name": f"tag:{PART_TAG}", "Values": [part]},
        ]
        found = getattr(self.ec2, kind.describe)(Filters=tagged + filters)[kind.list_key]
        return found[0] if found else None

    def find_all(self, kind: Kind, part_prefix: str) -> list[dict]:
        """Every resource of `kind` tagged for this network whose part starts with `part_prefix`."""
        found = getattr(self.ec2, kind.describe)(Filters=[{"Name": f"tag:{NETWORK_TAG}", "Values": [self.network_id]}])
        return [item for item in found[kind.list_key] if _tag(item, PART_TAG).startswith(part_prefix)]

    def ensure(
        self, ctx: StepContext, kind: Kind, part: str, create: Callable[[], str], filters: list[dict] | None = None
    ) -> tuple[str, dict | None]:
        """The id of the part (created if missing, recorded in state) and what describe said of it (None if new)."""
        found = self.find(kind, part, resources(ctx).get(part), filters)
        resource_id = found[kind.id_key] if found else create()
        resources(ctx)[part] = resource_id
        return resource_id, found

    def delete(
        self, ctx: StepContext, kind: Kind, part: str, delete: Callable[[dict], None], filters: list[dict] | None = None
    ) -> bool:
        """Delete the part if it exists (`delete` gets what describe said of it); forget it either way."""
        found = self.find(kind, part, resources(ctx).get(part), filters)
        if found is not None:
            delete_quietly(lambda: delete(found))
        resources(ctx).pop(part, None)
        return found is not None


def _tag(item: dict, key: str) -> str:
    return next((t["Value"] for t in item.get("Tags", []) if t["Key"] == key), "")
