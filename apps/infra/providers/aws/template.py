"""The CloudFormation stack a customer deploys to let LakeSail in: one cross-account IAM role.

The role trusts the LakeSail account (`settings.LAKESAIL_AWS_ACCOUNT_ID`) only with the connection's
`sts:ExternalId` (the confused-deputy guard), and carries a permissions boundary whose IAM rights reach only
`lakesail-*` roles and only the AWS-managed EKS policies, so the role cannot mint itself a broader one. The
template body holds no secret: the ExternalId is a stack parameter (NoEcho), passed in the quick-create link or
typed in by the customer, so the body can be served from a public URL (CloudFormation fetches `templateUrl`
unauthenticated).
"""

from urllib.parse import quote, urlencode

import yaml
from django.conf import settings

from apps.infra.providers.aws.clients import connection_region
from apps.infra.providers.base import ConnectionSpec, Template

# Bumped whenever the body changes, so the domain can tell a stack that needs `sync-template`.
TEMPLATE_VERSION = "2026-11-30"
QUICK_CREATE_URL = "https://console.aws.amazon.com/cloudformation/home"  # a link for the customer's browser
DOWNLOAD_PATH = "/api/v1/infra/connections/{id}/template/download"

# The AWS-managed policies the provider attaches to the EKS roles it creates; nothing else may be attached.
EKS_CLUSTER_POLICIES = ("AmazonEKSClusterPolicy",)
EKS_NODE_POLICIES = ("AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly")


def _sub(text: str) -> dict[str, str]:
    return {"Fn::Sub": text}


def _boundary_document() -> dict:
    lakesail_roles = _sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/lakesail-*")
    managed = [
        _sub(f"arn:${{AWS::Partition}}:iam::aws:policy/{name}") for name in EKS_CLUSTER_POLICIES + EKS_NODE_POLICIES
    ]
    eks = "arn:${AWS::Partition}:eks:*:${AWS::AccountId}"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                # VPCs, subnets, gateways and security groups have no names to scope by.
                "Sid": "Networks",
                "Effect": "Allow",
                "Action": ["ec2:*"],
                "Resource": "*",
            },
            {
                "Sid": "LakeSailClusters",
                "Effect": "Allow",
                "Action": ["eks:*"],
                "Resource": [
                    _sub(f"{eks}:cluster/lakesail-*"),
                    _sub(f"{eks}:nodegroup/lakesail-*/*/*"),
                    _sub(f"{eks}:addon/lakesail-*/*/*"),
                    _sub(f"{eks}:access-entry/lakesail-*/*"),
                ],
            },
            {
                "Sid": "ListClusters",
                "Effect": "Allow",
                "Action": ["eks:ListClusters", "eks:DescribeAddonVersions", "eks:DescribeClusterVersions"],
                "Resource": "*",
            },
            {
                "Sid": "LakeSailRoles",
                "Effect": "Allow",
                "Action": [
                    "iam:CreateRole",
                    "iam:DeleteRole",
                    "iam:GetRole",
                    "iam:TagRole",
                    "iam:UntagRole",
                    "iam:ListAttachedRolePolicies",
                    "iam:ListRolePolicies",
                ],
                "Resource": lakesail_roles,
            },
            {
                "Sid": "OnlyEksPolicies",
                "Effect": "Allow",
                "Action": ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
                "Resource": lakesail_roles,
                "Condition": {"ArnEquals": {"iam:PolicyARN": managed}},
            },
            {
                "Sid": "PassLakeSailRolesToEks",
                "Effect": "Allow",
                "Action": ["iam:PassRole"],
                "Resource": lakesail_roles,
                "Condition": {"StringEquals": {"iam:PassedToService": ["eks.amazonaws.com", "ec2.amazonaws.com"]}},
            },
            {
                "Sid": "EksServiceLinkedRoles",
                "Effect": "Allow",
                "Action": ["iam:CreateServiceLinkedRole"],
                "Resource": "*",
                "Condition": {
                    "StringEquals": {
                        "iam:AWSServiceName": [
                            "eks.amazonaws.com",
                            "eks-nodegroup.amazonaws.com",
                            "autoscaling.amazonaws.com",
                        ]
                    }
                },
            },
            {
                # The template sync reads which template version the connection's stack runs.
                "Sid": "ReadConnectionStack",
                "Effect": "Allow",
                "Action": ["cloudformation:DescribeStacks"],
                "Resource": _sub("arn:${AWS::Partition}:cloudformation:*:${AWS::AccountId}:stack/lakesail-*/*"),
            },
            {
                "Sid": "Observe",
                "Effect": "Allow",
                "Action": [
                    "cloudwatch:GetMetricData",
                    "cloudwatch:GetMetricStatistics",
                    "cloudwatch:ListMetrics",
                    "autoscaling:DescribeAutoScalingGroups",
                    "sts:GetCallerIdentity",
                ],
                "Resource": "*",
            },
        ],
    }


def template_body(conn: ConnectionSpec) -> str:
    """The stack's YAML, with this connection's id and the LakeSail principal as parameter defaults."""
    document = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"LakeSail connection: a cross-account role for LakeSail (template {TEMPLATE_VERSION}).",
        "Metadata": {"LakeSail": {"TemplateVersion": TEMPLATE_VERSION}},
        "Parameters": {
            "ConnectionId": {
                "Type": "String",
                "Default": conn.id,
                "AllowedPattern": "[A-Z0-9]{1,20}",
                "Description": "The LakeSail connection this stack belongs to.",
            },
            "LakeSailPrincipal": {
                "Type": "String",
                "Default": lakesail_principal(),
                "Description": "The LakeSail account allowed to assume the role.",
            },
            "ExternalId": {
                "Type": "String",
                "NoEcho": True,
                "MinLength": 16,
                "Description": "The external ID shown by the LakeSail console for this connection.",
            },
        },
        "Resources": {
            "PermissionsBoundary": {
                "Type": "AWS::IAM::ManagedPolicy",
                "Properties": {
                    "ManagedPolicyName": _sub("lakesail-${ConnectionId}-boundary"),
                    "Description": "Caps the LakeSail role: IAM only on lakesail-* roles and the EKS policies.",
                    "PolicyDocument": _boundary_document(),
                },
            },
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": _sub("lakesail-${ConnectionId}"),
                    "MaxSessionDuration": 3600,
                    "PermissionsBoundary": {"Ref": "PermissionsBoundary"},
                    "ManagedPolicyArns": [{"Ref": "PermissionsBoundary"}],
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"AWS": {"Ref": "LakeSailPrincipal"}},
                                "Action": "sts:AssumeRole",
                                "Condition": {"StringEquals": {"sts:ExternalId": {"Ref": "ExternalId"}}},
                            }
                        ],
                    },
                    "Tags": [{"Key": "lakesail:connection-id", "Value": {"Ref": "ConnectionId"}}],
                },
            },
        },
        "Outputs": {
            "RoleArn": {"Value": {"Fn::GetAtt": ["Role", "Arn"]}},
            "PermissionsBoundaryArn": {"Value": {"Ref": "PermissionsBoundary"}},
            "TemplateVersion": {"Value": TEMPLATE_VERSION},
        },
    }
    return yaml.safe_dump(document, sort_keys=False, width=120)


def lakesail_principal() -> str:
    return f"arn:aws:iam::{settings.LAKESAIL_AWS_ACCOUNT_ID}:root"


def stack_name(conn: ConnectionSpec) -> str:
    return f"lakesail-{conn.id.lower()}"


def template(conn: ConnectionSpec) -> Template:
    parameters = {"ConnectionId": conn.id, "LakeSailPrincipal": lakesail_principal(), "ExternalId": conn.external_id}
    template_url = settings.LAKESAIL_AWS_TEMPLATE_BASE_URL.replace("{id}", conn.id)
    region = connection_region(conn)
    fragment = urlencode(
        {
            "templateURL": template_url,
            "stackName": stack_name(conn),
            **{f"param_{key}": value for key, value in parameters.items()},
        },
        quote_via=quote,
    )
    return Template(
        body=template_body(conn),
        template_url=template_url,
        quick_launch_url=f"{QUICK_CREATE_URL}?region={quote(region)}#/stacks/quickcreate?{fragment}",
        download_url=settings.CONSOLE_BASE_URL + DOWNLOAD_PATH.replace("{id}", conn.id),
        parameters=parameters,
    )
