"""What AWS would refuse in a connection's, network's or cluster's config, said before anything is created."""

import re
from typing import Any

from apps.infra.providers.aws.catalog import EXCLUDED_REGION_PREFIXES
from apps.infra.providers.aws.cidr import validate_cidr
from apps.infra.providers.aws.cluster_steps import instance_types
from apps.infra.providers.base import ClusterSpec, NetworkSpec, ProviderError

ACCOUNT_ID = re.compile(r"\d{12}")
REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d")
ROLE_ARN = re.compile(r"arn:aws:iam::(?P<account>\d{12}):role/[\w+=,.@/-]{1,64}")
INSTANCE_TYPE = re.compile(r"[a-z][a-z0-9-]*\.[a-z0-9]+")
KUBERNETES_VERSION = re.compile(r"1\.\d{1,2}")
NODE_GROUP_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,62}")
MIN_DISK_GB = 20


def connection_errors(config: dict[str, Any]) -> dict[str, str]:
    errors = {}
    account = str(config.get("accountId") or "")
    if account and not ACCOUNT_ID.fullmatch(account):
        errors["accountId"] = "An AWS account id is 12 digits."
    region = str(config.get("region") or "")
    if region and (not REGION.fullmatch(region) or region.startswith(EXCLUDED_REGION_PREFIXES)):
        errors["region"] = "Not a commercial AWS region (e.g. us-east-1); China and GovCloud are not supported."
    role_arn = str(config.get("roleArn") or "")
    match = ROLE_ARN.fullmatch(role_arn)
    if role_arn and match is None:
        errors["roleArn"] = "Not an IAM role ARN (arn:aws:iam::123456789012:role/name)."
    elif match and account and match["account"] != account:
        errors["roleArn"] = f"The role is in account {match['account']}, not the connection's {account}."
    return errors


def network_errors(config: dict[str, Any]) -> dict[str, str]:
    if not config.get("cidr"):
        return {}
    try:
        validate_cidr(str(config["cidr"]))
    except ProviderError as exc:
        return {"cidr": exc.message}
    return {}


def cluster_errors(config: dict[str, Any]) -> dict[str, str]:
    errors = {}
    group = config.get("systemNodeGroup") or {}
    spec = ClusterSpec(id="", name="", region="", config=config, network=NetworkSpec("", "", "", {}))
    bad = [t for t in instance_types(spec) if not INSTANCE_TYPE.fullmatch(t)]
    if bad:
        errors["systemNodeGroup.instanceTypes"] = f"Not EC2 instance types: {', '.join(bad)}."
    version = config.get("kubernetesVersion")
    if version and not KUBERNETES_VERSION.fullmatch(str(version)):
        errors["kubernetesVersion"] = "A Kubernetes minor version, e.g. 1.31."
    name = group.get("name")
    if name and not NODE_GROUP_NAME.fullmatch(str(name)):
        errors["systemNodeGroup.name"] = "Letters, digits, - and _; at most 63 characters."
    disk = group.get("diskSizeGb")
    if disk is not None and (not str(disk).isdigit() or int(disk) < MIN_DISK_GB):
        errors["systemNodeGroup.diskSizeGb"] = f"At least {MIN_DISK_GB} GB."
    return errors
