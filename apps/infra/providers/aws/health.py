"""A cluster's health from EKS itself: DescribeCluster for the control plane, DescribeNodegroup for each group, and
the node counts from each group's Auto Scaling groups (in service and healthy = ready)."""

from typing import Any

from botocore.exceptions import ClientError

from apps.core import clock
from apps.infra.providers.aws.errors import aws_errors, is_not_found
from apps.infra.providers.base import Health

TRANSITIONAL = {"CREATING", "UPDATING", "PENDING"}


def cluster_health(eks: Any, autoscaling: Any, cluster_name: str) -> Health:
    with aws_errors("describe the EKS cluster"):
        try:
            cluster = eks.describe_cluster(name=cluster_name)["cluster"]
        except ClientError as exc:
            if is_not_found(exc):
                return Health("unhealthy", f"The EKS cluster {cluster_name} does not exist.", clock.now())
            raise
        groups = [_node_group(eks, autoscaling, cluster_name, name) for name in _node_group_names(eks, cluster_name)]
    status = cluster["status"]
    details = {
        "providerMetadata": {"status": status, "version": cluster.get("version", "")},
        "nodeGroups": [{k: v for k, v in g.items() if k != "totalNodes"} for g in groups],
        "totalNodes": sum(g["totalNodes"] for g in groups),
        "readyNodes": sum(g["readyNodes"] for g in groups),
    }
    cluster_issues = [i.get("message", "") for i in (cluster.get("health") or {}).get("issues") or []]
    if status in TRANSITIONAL:
        return Health("unknown", f"The EKS cluster is {status}.", clock.now(), details)
    if status != "ACTIVE" or cluster_issues:
        message = "; ".join(cluster_issues) or f"The EKS cluster is {status}."
        return Health("unhealthy", message, clock.now(), details)
    troubled = [g for g in groups if g["status"] != "ACTIVE" or g["message"]]
    if any(g["status"] in TRANSITIONAL for g in troubled):
        return Health("unknown", "A node group is changing.", clock.now(), details)
    if troubled:
        message = "; ".join(f"{g['name']}: {g['message'] or g['status']}" for g in troubled)
        return Health("unhealthy", message, clock.now(), details)
    if not groups:
        return Health("unhealthy", "The cluster has no node group.", clock.now(), details)
    return Health("healthy", "The control plane and every node group are active.", clock.now(), details)


def _node_group_names(eks: Any, cluster_name: str) -> list[str]:
    pages = eks.get_paginator("list_nodegroups").paginate(clusterName=cluster_name)
    return sorted(name for page in pages for name in page["nodegroups"])


def _node_group(eks: Any, autoscaling: Any, cluster_name: str, name: str) -> dict[str, Any]:
    group = eks.describe_nodegroup(clusterName=cluster_name, nodegroupName=name)["nodegroup"]
    issues = (group.get("health") or {}).get("issues") or []
    asg_names = [a["name"] for a in (group.get("resources") or {}).get("autoScalingGroups", [])]
    instances = []
    if asg_names:
        found = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=asg_names)["AutoScalingGroups"]
        instances = [i for asg in found for i in asg.get("Instances", [])]
    ready = [i for i in instances if i["LifecycleState"] == "InService" and i["HealthStatus"] == "Healthy"]
    return {
        "name": name,
        "status": group["status"],
        "desiredSize": int((group.get("scalingConfig") or {}).get("desiredSize", 0)),
        "readyNodes": len(ready),
        "totalNodes": len(instances),
        "message": "; ".join(f"{i.get('code', '')}: {i.get('message', '')}" for i in issues),
    }
