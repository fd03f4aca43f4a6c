"""An EKS cluster as idempotent steps over the IAM and EKS APIs, and its destroy steps in reverse order.

Create: cluster role → node role → EKS cluster (in the network's subnets and security group) → system node group
(in the private subnets). IAM role names and the cluster name are fixed by the cluster's id, so a step finds what an
earlier run created by name. Outputs (`iacOutputs`): clusterName, clusterArn, kubernetesVersion, providerMetadata,
clusterEndpoint, clusterCertificateAuthority, clusterRoleArn, nodeRoleArn, nodeGroupName.
"""

import json
import re
from functools import cached_property, partial
from typing import Any

from botocore.exceptions import ClientError

from apps.infra.providers.aws.clients import ClientFactory
from apps.infra.providers.aws.errors import aws_errors, delete_quietly, error_code, is_not_found
from apps.infra.providers.aws.polling import GONE, Status, wait_for
from apps.infra.providers.aws.state import require, resources
from apps.infra.providers.aws.template import EKS_CLUSTER_POLICIES, EKS_NODE_POLICIES
from apps.infra.providers.base import ClusterSpec, ConnectionSpec, ProviderError, Step, StepContext

DEFAULT_INSTANCE_TYPES = ("m7g.large",)
DEFAULT_NODE_GROUP = "system"
SYSTEM_LABEL = "lakesail.com/node-group"
CLUSTER_TAG = "lakesail:cluster-id"
CLUSTER_OUTPUTS = (
    "clusterName",
    "clusterArn",
    "kubernetesVersion",
    "providerMetadata",
    "clusterEndpoint",
    "clusterCertificateAuthority",
)


def eks_cluster_name(cluster: ClusterSpec) -> str:
    """The EKS name: recorded at creation, so renaming the cluster in the console never loses it."""
    recorded = cluster.iac_outputs.get("clusterName") or cluster.iac_state.get("resources", {}).get("eks-cluster")
    if recorded:
        return str(recorded)
    slug = re.sub(r"[^a-z0-9]+", "-", cluster.name.lower()).strip("-")[:40].strip("-")
    return f"lakesail-{slug}-{cluster.id.lower()}" if slug else f"lakesail-{cluster.id.lower()}"


def instance_types(cluster: ClusterSpec) -> list[str]:
    """The system node group's types; the wire format has been seen nested (`[["m7g.large"]]`), so flatten."""
    configured = (cluster.config.get("systemNodeGroup") or {}).get("instanceTypes") or []
    flat = [t for item in configured for t in (item if isinstance(item, list) else [item])]
    return [str(t) for t in flat] or list(DEFAULT_INSTANCE_TYPES)


class ClusterSteps:
    def __init__(self, factory: ClientFactory, conn: ConnectionSpec, cluster: ClusterSpec) -> None:
        self.factory = factory
        self.conn = conn
        self.cluster = cluster
        self.name = eks_cluster_name(cluster)
        self.prefix = f"lakesail-{cluster.id.lower()}"
        self.node_group = dict(cluster.config.get("systemNodeGroup") or {})
        self.node_group_name = str(self.node_group.get("name") or DEFAULT_NODE_GROUP)

    # Clients are made on first use, so listing the steps costs no AWS call.
    @cached_property
    def eks(self) -> Any:
        return self.factory.client(self.conn, "eks", self.cluster.region)

    @cached_property
    def iam(self) -> Any:
        return self.factory.client(self.conn, "iam", self.cluster.region)

    @cached_property
    def partition(self) -> str:
        return self.factory.assume(self.conn).arn.split(":")[1]

    def create(self) -> list[Step]:
        return [
            Step(self._urn("cluster-role"), "aws:iam:Role", f"{self.prefix}-eks", "create", self.create_cluster_role),
            Step(self._urn("node-role"), "aws:iam:Role", f"{self.prefix}-node", "create", self.create_node_role),
            Step(self._urn("cluster"), "aws:eks:Cluster", self.name, "create", self.create_cluster),
            Step(self._urn("node-group"), "aws:eks:Nodegroup", self.node_group_name, "create", self.create_node_group),
        ]

    def destroy(self) -> list[Step]:
        return [
            Step(self._urn("node-group"), "aws:eks:Nodegroup", self.node_group_name, "delete", self.delete_node_group),
            Step(self._urn("cluster"), "aws:eks:Cluster", self.name, "delete", self.delete_cluster),
            Step(self._urn("node-role"), "aws:iam:Role", f"{self.prefix}-node", "delete", self.delete_node_role),
            Step(self._urn("cluster-role"), "aws:iam:Role", f"{self.prefix}-eks", "delete", self.delete_cluster_role),
        ]

    @staticmethod
    def _urn(part: str) -> str:
        return f"lakesail:aws:eks:{part}"

    # --- IAM roles ----------------------------------------------------------------------------------------------

    def create_cluster_role(self, ctx: StepContext) -> None:
        arn = self._ensure_role(ctx, "cluster-role", f"{self.prefix}-eks", "eks.amazonaws.com", EKS_CLUSTER_POLICIES)
        ctx.outputs["clusterRoleArn"] = arn

    def create_node_role(self, ctx: StepContext) -> None:
        arn = self._ensure_role(ctx, "node-role", f"{self.prefix}-node", "ec2.amazonaws.com", EKS_NODE_POLICIES)
        ctx.outputs["nodeRoleArn"] = arn

    def _ensure_role(self, ctx: StepContext, part: str, name: str, service: str, policies: tuple[str, ...]) -> str:
        with aws_errors(f"create the IAM role {name}"):
            try:
                role = self.iam.get_role(RoleName=name)["Role"]
            except ClientError as exc:
                if not is_not_found(exc):
                    raise
                trust = {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
                }
                role = self.iam.create_role(
                    RoleName=name,
                    AssumeRolePolicyDocument=json.dumps(trust),
                    Description=f"LakeSail cluster {self.cluster.id}",
                    Tags=[{"Key": CLUSTER_TAG, "Value": self.cluster.id}],
                )["Role"]
            resources(ctx)[part] = role["Arn"]
            attached = {p["PolicyArn"] for p in self.iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]}
            for policy in policies:
                arn = f"arn:{self.partition}:iam::aws:policy/{policy}"
                if arn not in attached:
                    self.iam.attach_role_policy(RoleName=name, PolicyArn=arn)
        return role["Arn"]

    def delete_cluster_role(self, ctx: StepContext) -> None:
        self._delete_role(ctx, "cluster-role", f"{self.prefix}-eks")
        ctx.outputs.pop("clusterRoleArn", None)

    def delete_node_role(self, ctx: StepContext) -> None:
        self._delete_role(ctx, "node-role", f"{self.prefix}-node")
        ctx.outputs.pop("nodeRoleArn", None)

    def _delete_role(self, ctx: StepContext, part: str, name: str) -> None:
        with aws_errors(f"delete the IAM role {name}"):
            try:
                attached = self.iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
            except ClientError as exc:
                if not is_not_found(exc):
                    raise
                attached = None
            if attached is not None:
                for policy in attached:
                    delete_quietly(partial(self.iam.detach_role_policy, RoleName=name, PolicyArn=policy["PolicyArn"]))
                delete_quietly(partial(self.iam.delete_role, RoleName=name))
        resources(ctx).pop(part, None)

    # --- EKS cluster --------------------------------------------------------------------------------------------

    def create_cluster(self, ctx: StepContext) -> None:
        role_arn = require(ctx, "cluster-role")
        with aws_errors("create the EKS cluster"):
            existing = self._describe_cluster()
            if existing is None:
                self._new_cluster(role_arn)
            elif existing["status"] == "DELETING":
                raise ProviderError(
                    f"The EKS cluster {self.name} is still being deleted.", code="aws_pending", retryable=True
                )
            resources(ctx)["eks-cluster"] = self.name
            wait_for(self._cluster_status, what=f"The EKS cluster {self.name}", ready={"ACTIVE"}, failed={"FAILED"})
            cluster = self.eks.describe_cluster(name=self.name)["cluster"]
        ctx.outputs.update(
            clusterName=cluster["name"],
            clusterArn=cluster["arn"],
            kubernetesVersion=cluster.get("version", ""),
            # The runner lifts these onto the record: the kubeconfig endpoint answers from them.
            providerMetadata={"clusterName": cluster["name"], "clusterArn": cluster["arn"]},
            clusterEndpoint=cluster.get("endpoint", ""),
            clusterCertificateAuthority=(cluster.get("certificateAuthority") or {}).get("data", ""),
        )

    def _new_cluster(self, role_arn: str) -> None:
        outputs = self.cluster.network.iac_outputs
        subnets = [*outputs.get("privateSubnetIds", []), *outputs.get("publicSubnetIds", [])]
        if not subnets or not outputs.get("securityGroupId"):
            raise ProviderError("The cluster's network is not provisioned.", code="network_not_ready")
        arguments: dict[str, Any] = {
            "name": self.name,
            "roleArn": role_arn,
            "resourcesVpcConfig": {
                "subnetIds": subnets,
                "securityGroupIds": [outputs["securityGroupId"]],
                "endpointPublicAccess": True,
                "endpointPrivateAccess": True,
                "publicAccessCidrs": list(self.cluster.config.get("publicAccessCidrs") or ["0.0.0.0/0"]),
            },
            # The role that creates the cluster (ours) administers it through an access entry; no aws-auth edits.
            "accessConfig": {
                "authenticationMode": "API_AND_CONFIG_MAP",
                "bootstrapClusterCreatorAdminPermissions": True,
            },
            "tags": {CLUSTER_TAG: self.cluster.id, "lakesail:managed-by": "lakesail-console"},
        }
        if self.cluster.config.get("kubernetesVersion"):
            arguments["version"] = str(self.cluster.config["kubernetesVersion"])
        try:
            self.eks.create_cluster(**arguments)
        except ClientError as exc:
            if error_code(exc) != "ResourceInUseException":  # a concurrent run created it first: ours too
                raise

    def _describe_cluster(self) -> dict | None:
        try:
            return self.eks.describe_cluster(name=self.name)["cluster"]
        except ClientError as exc:
            if is_not_found(exc):
                return None
            raise

    def _cluster_status(self) -> Status:
        cluster = self._describe_cluster()
        if cluster is None:
            return GONE, ""
        issues = (cluster.get("health") or {}).get("issues") or []
        return cluster["status"], "; ".join(i.get("message", "") for i in issues)

    def delete_cluster(self, ctx: StepContext) -> None:
        with aws_errors("delete the EKS cluster"):
            existing = self._describe_cluster()
            if existing is not None:
                if existing["status"] != "DELETING":
                    delete_quietly(partial(self.eks.delete_cluster, name=self.name))
                wait_for(self._cluster_status, what=f"The EKS cluster {self.name}", ready={GONE})
        resources(ctx).pop("eks-cluster", None)
        for key in CLUSTER_OUTPUTS:
            ctx.outputs.pop(key, None)

    # --- system node group --------------------------------------------------------------------------------------

    def create_node_group(self, ctx: StepContext) -> None:
        node_role = require(ctx, "node-role")
        require(ctx, "eks-cluster")
        with aws_errors("create the system node group"):
            existing = self._describe_node_group()
            if existing is None:
                self._new_node_group(node_role)
            elif existing["status"] == "DELETING":
                raise ProviderError("The node group is still being deleted.", code="aws_pending", retryable=True)
            elif existing["status"] == "ACTIVE" and existing.get("scalingConfig") != self._scaling():
                # `cluster.update` runs these steps again: a changed size is the one thing that applies in place.
                self.eks.update_nodegroup_config(
                    clusterName=self.name, nodegroupName=self.node_group_name, scalingConfig=self._scaling()
                )
            resources(ctx)["node-group"] = self.node_group_name
            wait_for(
                self._node_group_status,
                what=f"The node group {self.node_group_name}",
                ready={"ACTIVE"},
                failed={"CREATE_FAILED", "DEGRADED"},
            )
        ctx.outputs["nodeGroupName"] = self.node_group_name

    def _new_node_group(self, node_role: str) -> None:
        subnets = list(self.cluster.network.iac_outputs.get("privateSubnetIds") or [])
        if not subnets:
            raise ProviderError("The cluster's network has no private subnets.", code="network_not_ready")
        types = instance_types(self.cluster)
        arguments: dict[str, Any] = {
            "clusterName": self.name,
            "nodegroupName": self.node_group_name,
            "scalingConfig": self._scaling(),
            "diskSize": int(self.node_group.get("diskSizeGb", 50)),
            "subnets": subnets,
            "instanceTypes": types,
            "amiType": self._ami_type(types[0]),
            "nodeRole": node_role,
            "capacityType": "ON_DEMAND",
            "labels": {SYSTEM_LABEL: "system"},
            "tags": {CLUSTER_TAG: self.cluster.id, "lakesail:managed-by": "lakesail-console"},
        }
        try:
            self.eks.create_nodegroup(**arguments)
        except ClientError as exc:
            if error_code(exc) != "ResourceInUseException":
                raise

    def _scaling(self) -> dict[str, int]:
        group = self.node_group
        minimum = int(group.get("minSize", 1))
        return {
            "minSize": minimum,
            "maxSize": int(group.get("maxSize", max(minimum, 3))),
            "desiredSize": int(group.get("desiredSize", minimum)),
        }

    def _ami_type(self, instance_type: str) -> str:
        """The node image for the type's processor: an arm64 type (Graviton) cannot boot an x86_64 image."""
        ec2 = self.factory.client(self.conn, "ec2", self.cluster.region)
        info = ec2.describe_instance_types(InstanceTypes=[instance_type])["InstanceTypes"][0]
        if "arm64" in info["ProcessorInfo"]["SupportedArchitectures"]:
            return "AL2023_ARM_64_STANDARD"
        return "AL2023_x86_64_NVIDIA" if info.get("GpuInfo") else "AL2023_x86_64_STANDARD"

    def _describe_node_group(self) -> dict | None:
        try:
            return self.eks.describe_nodegroup(clusterName=self.name, nodegroupName=self.node_group_name)["nodegroup"]
        except ClientError as exc:
            if is_not_found(exc):
                return None
            raise

    def _node_group_status(self) -> Status:
        group = self._describe_node_group()
        if group is None:
            return GONE, ""
        issues = (group.get("health") or {}).get("issues") or []
        return group["status"], "; ".join(f"{i.get('code', '')}: {i.get('message', '')}" for i in issues)

    def delete_node_group(self, ctx: StepContext) -> None:
        with aws_errors("delete the system node group"):
            existing = self._describe_node_group()
            if existing is not None:
                if existing["status"] != "DELETING":
                    delete_quietly(
                        partial(self.eks.delete_nodegroup, clusterName=self.name, nodegroupName=self.node_group_name)
                    )
                wait_for(
                    self._node_group_status,
                    what=f"The node group {self.node_group_name}",
                    ready={GONE},
                    failed={"DELETE_FAILED"},
                )
        resources(ctx).pop("node-group", None)
        ctx.outputs.pop("nodeGroupName", None)
