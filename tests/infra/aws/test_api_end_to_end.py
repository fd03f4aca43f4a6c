"""The aws provider through the domain, end to end, with a real Celery worker and moto as the customer's AWS:
connection → template → the customer deploys the stack → verify → network → provision → cluster → provision →
health and kubeconfig → destroy the cluster → destroy the network → nothing of ours left in the account."""

import pytest
import yaml

from apps.core.operations import Operation
from tests.infra.aws.conftest import CUSTOMER_ACCOUNT, REGION, customer_client, deploy_stack
from tests.plugins.celery_worker import wait_for

pytestmark = pytest.mark.integration

CLUSTER_CONFIG = {
    "kubernetesVersion": "1.31",
    "systemNodeGroup": {"name": "system", "instanceTypes": ["m7g.large"], "minSize": 1, "maxSize": 3, "desiredSize": 2},
}


def _finished(operation_id: str, worker) -> Operation:
    done = wait_for(lambda: Operation.objects.get(pk=operation_id).is_terminal, timeout=240)
    operation = Operation.objects.get(pk=operation_id)
    assert done and operation.status == "succeeded", (operation.error, worker.log_path.read_text()[-3000:])
    return operation


def _ours() -> dict[str, list]:
    ec2, eks, iam = customer_client("ec2"), customer_client("eks"), customer_client("iam")
    return {
        "vpcs": [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v["IsDefault"]],
        "clusters": eks.list_clusters()["clusters"],
        "roles": [r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"].endswith(("-eks", "-node"))],
    }


def test_an_aws_cluster_from_connection_to_destruction(
    restartable_celery_worker, aws_environment, api, acme, alice, settings
):
    worker = restartable_celery_worker()  # it inherits this test's AWS_* environment: moto, dummy credentials

    body = {"name": "Customer account", "provider": "aws", "providerConfig": {"accountId": CUSTOMER_ACCOUNT}}
    connection = api.post(
        "/infra/connections", {**body, "providerConfig": {**body["providerConfig"], "region": REGION}}
    )
    assert connection.status_code == 201, connection.content
    base = f"/infra/connections/{connection.json()['id']}"

    template = api.get(f"{base}/template").json()
    assert template["parameters"]["ConnectionId"] == connection.json()["id"]
    downloaded = api.get(f"{base}/template/download")
    assert yaml.safe_load(downloaded.content)["Resources"]["Role"]["Properties"]["PermissionsBoundary"]
    # The customer deploys the downloaded template with the parameters the console shows.
    outputs = deploy_stack(downloaded.content.decode(), template["parameters"], template["quickLaunchUrl"])
    verified = api.post(f"{base}/verify", {"roleArn": outputs["RoleArn"]}).json()
    assert verified["status"] == "active", verified["statusMessage"]

    network = api.post(f"{base}/networks", {"name": "Production", "region": REGION, "config": {"cidr": "10.0.0.0/16"}})
    assert network.status_code == 201, network.content
    network_id = network.json()["id"]
    provision = api.post(f"{base}/networks/{network_id}/provision").json()
    operation = _finished(provision["id"], worker)
    assert {r["status"] for r in operation.progress["resources"]} == {"succeeded"}
    assert len(operation.progress["resources"]) == 7
    described = api.get(f"{base}/networks/{network_id}").json()["included"]["networks"][0]
    assert described["status"] == "active"
    assert described["providerNetworkId"] == described["iacOutputs"]["vpcId"] == _ours()["vpcs"][0]

    cluster = api.post(f"{base}/clusters", {"networkId": network_id, "name": "Analytics", "config": CLUSTER_CONFIG})
    assert cluster.status_code == 201, cluster.content
    cluster_id = cluster.json()["id"]
    _finished(api.post(f"{base}/clusters/{cluster_id}/provision").json()["id"], worker)
    described = api.get(f"/infra/clusters/{cluster_id}").json()["included"]["clusters"][0]
    assert described["status"] == "active"
    eks_name = described["iacOutputs"]["clusterName"]
    assert _ours()["clusters"] == [eks_name]

    health = api.get(f"{base}/clusters/{cluster_id}/health").json()
    assert health["status"] == "healthy", health
    kubeconfig = api.get(f"{base}/clusters/{cluster_id}/kubeconfig").json()
    eks_cluster = customer_client("eks").describe_cluster(name=eks_name)["cluster"]
    assert kubeconfig["clusterEndpoint"] == eks_cluster["endpoint"]
    assert kubeconfig["clusterCertificateAuthority"] == eks_cluster["certificateAuthority"]["data"]
    assert yaml.safe_load(kubeconfig["kubeconfig"])["clusters"][0]["cluster"]["server"] == eks_cluster["endpoint"]

    destroy = api.delete(f"{base}/clusters/{cluster_id}")
    assert destroy.status_code == 202, destroy.content
    _finished(destroy.json()["id"], worker)
    assert api.get(f"/infra/clusters/{cluster_id}").json()["included"]["clusters"][0]["status"] == "destroyed"
    assert (_ours()["clusters"], _ours()["roles"]) == ([], [])

    _finished(api.delete(f"{base}/networks/{network_id}").json()["id"], worker)
    assert _ours() == {"vpcs": [], "clusters": [], "roles": []}
