"""Sail in `kubernetes-cluster` mode on an EKS cluster: the rendered objects (no Kubernetes API runs here)."""

import base64
import json

import pytest

from apps.infra.providers.aws.kubernetes import SailApplication, render, sail_variable
from apps.infra.providers.base import ClusterSpec, NetworkSpec
from tests.infra.aws.conftest import CUSTOMER_ACCOUNT, REGION, customer_client

APP = SailApplication(
    name="session-a1b2c3d4e5",
    namespace="lakesail-org0000001",
    image="123456789012.dkr.ecr.us-east-1.amazonaws.com/sail:0.7.2",
    settings={"cluster.worker_max_count": "8", "cluster.worker_initial_count": "2"},
    node_selector={"lakesail.com/node-group": "workloads"},
)


def by_kind(objects: list[dict]) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for obj in objects:
        found.setdefault(obj["kind"], []).append(obj)
    return found


def env_of(pod: dict) -> dict[str, object]:
    [container] = pod["spec"]["containers"]
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}


def test_objects_come_in_the_order_they_must_be_created():
    assert [o["kind"] for o in render(APP)] == [
        "Namespace",
        "ServiceAccount",
        "ServiceAccount",
        "Role",
        "RoleBinding",
        "Pod",
        "Service",
    ]
    assert all(o["metadata"]["namespace"] == APP.namespace for o in render(APP)[1:])


def test_the_driver_runs_sail_in_kubernetes_cluster_mode_with_its_kubernetes_settings():
    [pod] = by_kind(render(APP))["Pod"]
    env = env_of(pod)

    assert env["SAIL_MODE"] == "kubernetes-cluster"
    assert env["SAIL_KUBERNETES__IMAGE"] == APP.image
    assert env["SAIL_KUBERNETES__IMAGE_PULL_POLICY"] == "IfNotPresent"
    assert env["SAIL_KUBERNETES__NAMESPACE"] == {"fieldRef": {"fieldPath": "metadata.namespace"}}
    assert env["SAIL_KUBERNETES__DRIVER_POD_NAME"] == {"fieldRef": {"fieldPath": "metadata.name"}}
    assert env["SAIL_KUBERNETES__WORKER_POD_NAME_PREFIX"] == "session-a1b2c3d4e5-worker-"
    assert env["SAIL_KUBERNETES__WORKER_SERVICE_ACCOUNT_NAME"] == "session-a1b2c3d4e5-worker"
    assert env["SAIL_CLUSTER__DRIVER_EXTERNAL_HOST"] == {"fieldRef": {"fieldPath": "status.podIP"}}
    assert env["SAIL_CLUSTER__DRIVER_LISTEN_HOST"] == "0.0.0.0"
    assert env["SAIL_CLUSTER__WORKER_MAX_COUNT"] == "8"
    assert env["SAIL_CLUSTER__WORKER_INITIAL_COUNT"] == "2"
    template = json.loads(env["SAIL_KUBERNETES__WORKER_POD_TEMPLATE"])
    assert template["spec"] == {"nodeSelector": {"lakesail.com/node-group": "workloads"}}
    assert template["metadata"]["labels"]["app.kubernetes.io/component"] == "worker"

    [container] = pod["spec"]["containers"]
    assert container["image"] == APP.image
    assert container["args"] == ["spark", "server", "--ip", "0.0.0.0", "--port", "50051"]
    assert pod["spec"]["serviceAccountName"] == "session-a1b2c3d4e5-driver"
    assert pod["spec"]["nodeSelector"] == {"lakesail.com/node-group": "workloads"}


def test_only_the_driver_may_manage_pods_and_only_in_its_namespace():
    objects = by_kind(render(APP))
    [role], [binding] = objects["Role"], objects["RoleBinding"]
    driver, worker = objects["ServiceAccount"]

    assert role["rules"] == [
        {"apiGroups": [""], "resources": ["pods"], "verbs": ["create", "delete", "get", "list", "watch"]}
    ]
    assert binding["roleRef"] == {
        "apiGroup": "rbac.authorization.k8s.io",
        "kind": "Role",
        "name": role["metadata"]["name"],
    }
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": driver["metadata"]["name"], "namespace": APP.namespace}
    ]
    assert worker["automountServiceAccountToken"] is False
    assert "ClusterRole" not in objects and "ClusterRoleBinding" not in objects


def test_the_service_selects_the_driver_on_the_spark_connect_port():
    objects = by_kind(render(APP))
    [service], [pod] = objects["Service"], objects["Pod"]

    assert service["metadata"]["name"] == APP.name
    assert service["spec"]["ports"] == [{"name": "spark-connect", "port": 50051, "targetPort": "spark-connect"}]
    labels = pod["metadata"]["labels"]
    assert all(labels[k] == v for k, v in service["spec"]["selector"].items())
    assert labels["app.kubernetes.io/component"] == "driver"


def test_setting_names_follow_sails_environment_convention():
    assert sail_variable("kubernetes.worker_pod_template") == "SAIL_KUBERNETES__WORKER_POD_TEMPLATE"
    assert sail_variable("cluster.driver_listen_port") == "SAIL_CLUSTER__DRIVER_LISTEN_PORT"


@pytest.mark.parametrize("name", ["Session_1", "-leading", "a" * 41, ""])
def test_names_that_kubernetes_would_refuse_are_refused_here(name):
    with pytest.raises(ValueError):
        SailApplication(name=name, namespace="lakesail", image="sail:latest")


def test_the_console_client_for_a_cluster_carries_its_endpoint_ca_and_an_eks_token(provider, connection):
    eks = customer_client("eks")
    eks.create_cluster(
        name="lakesail-analytics-clu0000001",
        roleArn=f"arn:aws:iam::{CUSTOMER_ACCOUNT}:role/lakesail-clu0000001-eks",
        resourcesVpcConfig={"subnetIds": []},
    )
    described = eks.describe_cluster(name="lakesail-analytics-clu0000001")["cluster"]
    cluster = ClusterSpec(
        id="CLU0000001",
        name="Analytics",
        region=REGION,
        config={},
        network=NetworkSpec(id="NET0000001", name="n", region=REGION, config={}),
    )

    client = provider.kubernetes_client(connection, cluster)

    configuration = client.configuration
    assert configuration.host == described["endpoint"]
    assert configuration.ca_cert_data == base64.b64decode(described["certificateAuthority"]["data"])
    assert configuration.get_api_key_with_prefix("authorization").startswith("Bearer k8s-aws-v1.")
