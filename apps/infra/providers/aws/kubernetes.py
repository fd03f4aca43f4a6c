"""Sail on an EKS cluster, in its `kubernetes-cluster` mode: the Kubernetes objects as plain dicts, and `apply`.

One Sail application (a session's or a job run's Spark Connect server) is a driver pod that creates its own worker
pods through the Kubernetes API. So it needs: a namespace; a ServiceAccount for the driver with a Role that lets
it manage pods in that namespace (and nothing else); a ServiceAccount for the workers with no rights and no token;
the driver Pod with `SAIL_MODE=kubernetes-cluster` and Sail's `kubernetes.*` settings as `SAIL_KUBERNETES__*`
environment variables; and a Service in front of the driver's Spark Connect port.
"""

import base64
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

SPARK_CONNECT_PORT = 50051
DRIVER_RPC_PORT = 7011  # where workers reach the driver (Sail's cluster.driver_listen_port)
MANAGED_BY = {"app.kubernetes.io/managed-by": "lakesail-console"}
_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
# Kubernetes names that `name` grows into (`-driver`, `-worker-` plus Sail's suffix) must stay under 63.
MAX_NAME_LENGTH = 40


@dataclass(frozen=True)
class SailApplication:
    name: str  # a DNS label, e.g. "session-a1b2c3d4e5": names the pods, the service and the accounts
    namespace: str
    image: str
    image_pull_policy: str = "IfNotPresent"
    # Further Sail settings by their keys ("cluster.worker_max_count": "8"), rendered as SAIL_* variables.
    settings: Mapping[str, str] = field(default_factory=dict)
    driver_cpu: str = "1"
    driver_memory: str = "2Gi"
    # Where the driver and its workers may run, e.g. {"lakesail.com/node-group": "workloads"}.
    node_selector: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for label in (self.name, self.namespace):
            if not _DNS_LABEL.fullmatch(label) or len(label) > MAX_NAME_LENGTH:
                raise ValueError(f"{label!r} is not a DNS label of at most {MAX_NAME_LENGTH} characters.")


def sail_variable(key: str) -> str:
    """Sail's environment name for a setting key: `kubernetes.image` → `SAIL_KUBERNETES__IMAGE`."""
    return "SAIL_" + key.upper().replace(".", "__")


def _labels(app: SailApplication, component: str) -> dict[str, str]:
    return {
        "app.kubernetes.io/name": "sail",
        "app.kubernetes.io/instance": app.name,
        "app.kubernetes.io/component": component,
        **MANAGED_BY,
    }


def _metadata(app: SailApplication, name: str, component: str) -> dict[str, Any]:
    return {"name": name, "namespace": app.namespace, "labels": _labels(app, component)}


def driver_name(app: SailApplication) -> str:
    return f"{app.name}-driver"


def worker_account_name(app: SailApplication) -> str:
    return f"{app.name}-worker"


def namespace(app: SailApplication) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": app.namespace, "labels": dict(MANAGED_BY)}}


def service_accounts(app: SailApplication) -> list[dict[str, Any]]:
    driver = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": _metadata(app, driver_name(app), "driver")}
    worker = {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": _metadata(app, worker_account_name(app), "worker"),
        "automountServiceAccountToken": False,  # workers never call the Kubernetes API
    }
    return [driver, worker]


def driver_role(app: SailApplication) -> dict[str, Any]:
    """What the driver needs to run its worker pods, in its own namespace only."""
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": _metadata(app, driver_name(app), "driver"),
        "rules": [
            {"apiGroups": [""], "resources": ["pods"], "verbs": ["create", "delete", "get", "list", "watch"]},
        ],
    }


def driver_role_binding(app: SailApplication) -> dict[str, Any]:
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": _metadata(app, driver_name(app), "driver"),
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": driver_name(app)},
        "subjects": [{"kind": "ServiceAccount", "name": driver_name(app), "namespace": app.namespace}],
    }


def worker_pod_template(app: SailApplication) -> dict[str, Any]:
    """Sail's `kubernetes.worker_pod_template` (a PodTemplateSpec): labels to find the workers by, and placement."""
    spec: dict[str, Any] = {}
    if app.node_selector:
        spec["nodeSelector"] = dict(app.node_selector)
    return {"metadata": {"labels": _labels(app, "worker")}, "spec": spec}


def driver_environment(app: SailApplication) -> list[dict[str, Any]]:
    def field_ref(path: str) -> dict[str, Any]:
        return {"valueFrom": {"fieldRef": {"fieldPath": path}}}

    values: dict[str, dict[str, Any]] = {
        "SAIL_MODE": {"value": "kubernetes-cluster"},
        sail_variable("cluster.driver_listen_host"): {"value": "0.0.0.0"},
        sail_variable("cluster.driver_listen_port"): {"value": str(DRIVER_RPC_PORT)},
        # Workers dial the driver pod directly, by its IP, on the RPC port.
        sail_variable("cluster.driver_external_host"): field_ref("status.podIP"),
        sail_variable("cluster.driver_external_port"): {"value": str(DRIVER_RPC_PORT)},
        sail_variable("kubernetes.image"): {"value": app.image},
        sail_variable("kubernetes.image_pull_policy"): {"value": app.image_pull_policy},
        sail_variable("kubernetes.namespace"): field_ref("metadata.namespace"),
        # Worker pods get the driver pod as their owner: deleting the driver deletes them.
        sail_variable("kubernetes.driver_pod_name"): field_ref("metadata.name"),
        sail_variable("kubernetes.worker_pod_name_prefix"): {"value": f"{app.name}-worker-"},
        sail_variable("kubernetes.worker_service_account_name"): {"value": worker_account_name(app)},
        sail_variable("kubernetes.worker_pod_template"): {
            "value": json.dumps(worker_pod_template(app), separators=(",", ":"), sort_keys=True)
        },
    }
    for key, value in sorted(app.settings.items()):
        values[sail_variable(key)] = {"value": str(value)}
    return [{"name": name, **source} for name, source in values.items()]


def driver_pod(app: SailApplication) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "serviceAccountName": driver_name(app),
        "restartPolicy": "Never",  # a failed driver ends its session or run; the console decides what comes next
        "containers": [
            {
                "name": "sail",
                "image": app.image,
                "imagePullPolicy": app.image_pull_policy,
                "args": ["spark", "server", "--ip", "0.0.0.0", "--port", str(SPARK_CONNECT_PORT)],
                "ports": [
                    {"name": "spark-connect", "containerPort": SPARK_CONNECT_PORT},
                    {"name": "driver-rpc", "containerPort": DRIVER_RPC_PORT},
                ],
                "env": driver_environment(app),
                "resources": {
                    "requests": {"cpu": app.driver_cpu, "memory": app.driver_memory},
                    "limits": {"memory": app.driver_memory},
                },
                "readinessProbe": {"tcpSocket": {"port": SPARK_CONNECT_PORT}, "periodSeconds": 5},
            }
        ],
    }
    if app.node_selector:
        spec["nodeSelector"] = dict(app.node_selector)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": _metadata(app, driver_name(app), "driver"), "spec": spec}


def driver_service(app: SailApplication) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _metadata(app, app.name, "driver"),
        "spec": {
            "type": "ClusterIP",
            "selector": {"app.kubernetes.io/instance": app.name, "app.kubernetes.io/component": "driver"},
            "ports": [{"name": "spark-connect", "port": SPARK_CONNECT_PORT, "targetPort": "spark-connect"}],
        },
    }


def render(app: SailApplication) -> list[dict[str, Any]]:
    """Every object of the application, in the order they must be created."""
    return [
        namespace(app),
        *service_accounts(app),
        driver_role(app),
        driver_role_binding(app),
        driver_pod(app),
        driver_service(app),
    ]


def api_client(endpoint: str, certificate_authority: str, token: str) -> Any:
    """A `kubernetes` client for an EKS endpoint: its CA as EKS returns it (base64 PEM), an EKS bearer token."""
    from kubernetes import client  # imported here: only a process that talks to a cluster pays for it

    configuration = client.Configuration(
        host=endpoint,
        api_key={"authorization": token},
        api_key_prefix={"authorization": "Bearer"},
        ca_cert_data=base64.b64decode(certificate_authority),
    )
    return client.ApiClient(configuration)


# kind → (API class, create method, patch method, namespaced)
_OPERATIONS = {
    "Namespace": ("CoreV1Api", "create_namespace", "patch_namespace", False),
    "ServiceAccount": ("CoreV1Api", "create_namespaced_service_account", "patch_namespaced_service_account", True),
    "Role": ("RbacAuthorizationV1Api", "create_namespaced_role", "patch_namespaced_role", True),
    "RoleBinding": ("RbacAuthorizationV1Api", "create_namespaced_role_binding", "patch_namespaced_role_binding", True),
    "Service": ("CoreV1Api", "create_namespaced_service", "patch_namespaced_service", True),
    # A running driver is never patched: a pod's spec is immutable, and replacing it would end its session.
    "Pod": ("CoreV1Api", "create_namespaced_pod", "", True),
}


def apply(objects: list[dict[str, Any]], client_: Any) -> None:
    """Create each object, or patch the one that exists (409), in order, with the official client."""
    from kubernetes import client
    from kubernetes.client.rest import ApiException

    for obj in objects:
        api_class, create, patch, namespaced = _OPERATIONS[obj["kind"]]
        api = getattr(client, api_class)(client_)
        where = {"namespace": obj["metadata"]["namespace"]} if namespaced else {}
        try:
            getattr(api, create)(body=obj, **where)
        except ApiException as exc:
            if exc.status != 409:
                raise
            if patch:
                getattr(api, patch)(name=obj["metadata"]["name"], body=obj, **where)
