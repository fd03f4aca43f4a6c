"""Kubeconfig for an EKS cluster, and the bearer token `aws eks get-token` makes, for the console's own client.

The kubeconfig carries the endpoint and the certificate authority exactly as EKS returns them (base64 PEM, passed
through unread) and authenticates with an exec entry that runs `aws eks get-token`, so whoever uses it signs in
with their own AWS identity; no token is written into the file.
"""

import base64
from typing import Any

import boto3
import yaml

TOKEN_PREFIX = "k8s-aws-v1."
TOKEN_SECONDS = 60  # what the EKS authenticator accepts for a presigned GetCallerIdentity


def kubeconfig(cluster: dict[str, Any], region: str) -> str:
    """`cluster`: DescribeCluster's `cluster`."""
    name = cluster["arn"]
    document = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": name,
                "cluster": {
                    "server": cluster["endpoint"],
                    "certificate-authority-data": cluster["certificateAuthority"]["data"],
                },
            }
        ],
        "contexts": [{"name": name, "context": {"cluster": name, "user": name}}],
        "current-context": name,
        "preferences": {},
        "users": [
            {
                "name": name,
                "user": {
                    "exec": {
                        "apiVersion": "client.authentication.k8s.io/v1beta1",
                        "command": "aws",
                        "args": ["--region", region, "eks", "get-token", "--cluster-name", cluster["name"]],
                        "interactiveMode": "Never",
                    }
                },
            }
        ],
    }
    return yaml.safe_dump(document, sort_keys=False)


def eks_token(session: boto3.session.Session, cluster_name: str, region: str) -> str:
    """A presigned STS GetCallerIdentity URL that names the cluster (header `x-k8s-aws-id`), as the EKS
    authenticator expects: the same token `aws eks get-token` prints."""
    sts = session.client("sts", region_name=region)  # a client of its own: the handler below is for this call only

    def name_the_cluster(request: Any, **_: Any) -> None:
        request.headers["x-k8s-aws-id"] = cluster_name

    sts.meta.events.register("before-sign.sts.GetCallerIdentity", name_the_cluster)
    url = sts.generate_presigned_url("get_caller_identity", ExpiresIn=TOKEN_SECONDS, HttpMethod="GET")
    return TOKEN_PREFIX + base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")
