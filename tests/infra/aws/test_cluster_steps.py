"""An EKS cluster provisioned and destroyed as steps on a provisioned network, then its health and kubeconfig."""

import dataclasses

import pytest
import yaml
from botocore.stub import ANY, Stubber

from apps.infra.providers.base import ClusterSpec, NetworkSpec, ProviderError, StepContext
from tests.infra.aws.conftest import CUSTOMER_ACCOUNT, REGION, customer_client, run_steps

NETWORK = NetworkSpec(id="NET0000001", name="Production", region=REGION, config={"cidr": "10.0.0.0/16"})
CONFIG = {
    "kubernetesVersion": "1.31",
    "systemNodeGroup": {
        "name": "system",
        "instanceTypes": [["m7g.large"]],
        "minSize": 1,
        "maxSize": 3,
        "desiredSize": 2,
    },
}


@pytest.fixture
def network(provider, connection) -> NetworkSpec:
    ctx = run_steps(provider.network_steps(connection, NETWORK))
    return dataclasses.replace(NETWORK, iac_state=ctx.state, iac_outputs=ctx.outputs)


def cluster_on(network: NetworkSpec, **changes) -> ClusterSpec:
    spec = ClusterSpec(id="CLU0000001", name="Analytics Prod", region=REGION, config=CONFIG, network=network)
    return dataclasses.replace(spec, **changes)


def provisioned(spec: ClusterSpec, ctx: StepContext) -> ClusterSpec:
    return dataclasses.replace(spec, iac_state=ctx.state, iac_outputs=ctx.outputs)


def lakesail_roles() -> list[str]:
    return sorted(
        r["RoleName"] for r in customer_client("iam").list_roles()["Roles"] if "-clu0000001-" in r["RoleName"]
    )


def test_provisioning_creates_roles_the_cluster_and_the_system_node_group(provider, connection, network):
    spec = cluster_on(network)

    ctx = run_steps(provider.cluster_steps(connection, spec))

    name = "lakesail-analytics-prod-clu0000001"
    assert ctx.outputs["clusterName"] == name
    eks, iam = customer_client("eks"), customer_client("iam")
    cluster = eks.describe_cluster(name=name)["cluster"]
    assert cluster["status"] == "ACTIVE"
    assert cluster["arn"] == ctx.outputs["clusterArn"] == f"arn:aws:eks:{REGION}:{CUSTOMER_ACCOUNT}:cluster/{name}"
    assert cluster["version"] == "1.31"
    assert cluster["roleArn"] == ctx.outputs["clusterRoleArn"]
    assert sorted(cluster["resourcesVpcConfig"]["subnetIds"]) == sorted(
        network.iac_outputs["privateSubnetIds"] + network.iac_outputs["publicSubnetIds"]
    )
    assert cluster["resourcesVpcConfig"]["securityGroupIds"] == [network.iac_outputs["securityGroupId"]]

    group = eks.describe_nodegroup(clusterName=name, nodegroupName="system")["nodegroup"]
    assert group["status"] == "ACTIVE"
    assert group["scalingConfig"] == {"minSize": 1, "maxSize": 3, "desiredSize": 2}
    assert group["instanceTypes"] == ["m7g.large"]
    assert group["amiType"] == "AL2023_ARM_64_STANDARD"  # m7g is Graviton
    assert sorted(group["subnets"]) == sorted(network.iac_outputs["privateSubnetIds"])
    assert group["nodeRole"] == ctx.outputs["nodeRoleArn"]
    assert ctx.outputs["providerMetadata"] == {"clusterName": name, "clusterArn": cluster["arn"]}
    assert ctx.outputs["clusterEndpoint"] == cluster["endpoint"]
    assert ctx.outputs["clusterCertificateAuthority"] == cluster["certificateAuthority"]["data"]

    assert lakesail_roles() == ["lakesail-clu0000001-eks", "lakesail-clu0000001-node"]
    attached = {
        role: sorted(p["PolicyName"] for p in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"])
        for role in lakesail_roles()
    }
    assert attached == {
        "lakesail-clu0000001-eks": ["AmazonEKSClusterPolicy"],
        "lakesail-clu0000001-node": [
            "AmazonEC2ContainerRegistryReadOnly",
            "AmazonEKSWorkerNodePolicy",
            "AmazonEKS_CNI_Policy",
        ],
    }


def test_cluster_steps_run_twice_create_nothing_new(provider, connection, network):
    spec = cluster_on(network)
    ctx = run_steps(provider.cluster_steps(connection, spec))
    state, outputs = repr(ctx.state), dict(ctx.outputs)

    run_steps(provider.cluster_steps(connection, provisioned(spec, ctx)), ctx)

    eks = customer_client("eks")
    assert eks.list_clusters()["clusters"] == [outputs["clusterName"]]
    assert eks.list_nodegroups(clusterName=outputs["clusterName"])["nodegroups"] == ["system"]
    assert len(lakesail_roles()) == 2
    assert (repr(ctx.state), ctx.outputs) == (state, outputs)


def test_running_the_steps_again_with_a_new_size_resizes_the_node_group(provider, connection, network):
    spec = cluster_on(network)
    ctx = run_steps(provider.cluster_steps(connection, spec))
    bigger = {**CONFIG, "systemNodeGroup": {**CONFIG["systemNodeGroup"], "maxSize": 6, "desiredSize": 4}}

    run_steps(provider.cluster_steps(connection, provisioned(cluster_on(network, config=bigger), ctx)), ctx)

    group = customer_client("eks").describe_nodegroup(clusterName=ctx.outputs["clusterName"], nodegroupName="system")
    assert group["nodegroup"]["scalingConfig"] == {"minSize": 1, "maxSize": 6, "desiredSize": 4}


def test_a_renamed_cluster_keeps_its_eks_name(provider, connection, network):
    ctx = run_steps(provider.cluster_steps(connection, cluster_on(network)))

    renamed = provisioned(cluster_on(network, name="Renamed"), ctx)
    run_steps(provider.cluster_steps(connection, renamed), ctx)

    assert customer_client("eks").list_clusters()["clusters"] == ["lakesail-analytics-prod-clu0000001"]


def test_destroy_deletes_the_node_group_the_cluster_and_the_roles(provider, connection, network):
    spec = cluster_on(network)
    ctx = run_steps(provider.cluster_steps(connection, spec))
    destroy = provider.cluster_destroy_steps(connection, provisioned(spec, ctx))
    assert [s.urn for s in destroy] == [s.urn for s in reversed(provider.cluster_steps(connection, spec))]

    run_steps(destroy, ctx)

    assert customer_client("eks").list_clusters()["clusters"] == []
    assert lakesail_roles() == []
    assert ctx.state["resources"] == {}
    assert ctx.outputs == {}
    # The network outlives its clusters, and can then go too.
    run_steps(provider.network_destroy_steps(connection, network), StepContext(network.iac_state, network.iac_outputs))
    assert not [v for v in customer_client("ec2").describe_vpcs()["Vpcs"] if not v["IsDefault"]]


def test_destroy_after_a_partial_provision_deletes_exactly_what_exists(provider, connection, network):
    spec = cluster_on(network)
    ctx = run_steps(provider.cluster_steps(connection, spec)[:3])  # roles and the cluster, no node group yet
    customer_client("iam").create_role(RoleName="lakesail-someone-else", AssumeRolePolicyDocument="{}")

    run_steps(provider.cluster_destroy_steps(connection, provisioned(spec, ctx)), ctx)

    assert customer_client("eks").list_clusters()["clusters"] == []
    assert lakesail_roles() == []
    assert customer_client("iam").get_role(RoleName="lakesail-someone-else")["Role"]


def test_a_cluster_needs_a_provisioned_network(provider, connection):
    spec = cluster_on(NETWORK)  # no iacOutputs: never provisioned

    with pytest.raises(ProviderError) as raised:
        run_steps(provider.cluster_steps(connection, spec))

    assert raised.value.code == "network_not_ready"


def test_health_and_kubeconfig_of_a_provisioned_cluster(provider, connection, network):
    spec = cluster_on(network)
    spec = provisioned(spec, run_steps(provider.cluster_steps(connection, spec)))

    # moto's node group names an Auto Scaling group it does not create: create it, so the nodes can be counted.
    group = customer_client("eks").describe_nodegroup(
        clusterName=spec.iac_outputs["clusterName"], nodegroupName="system"
    )
    autoscaling = customer_client("autoscaling")
    autoscaling.create_launch_configuration(
        LaunchConfigurationName="nodes", ImageId="ami-12c6146b", InstanceType="m7g.large"
    )
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=group["nodegroup"]["resources"]["autoScalingGroups"][0]["name"],
        LaunchConfigurationName="nodes",
        MinSize=1,
        MaxSize=3,
        DesiredCapacity=2,
        VPCZoneIdentifier=",".join(network.iac_outputs["privateSubnetIds"]),
    )

    health = provider.health(connection, spec)
    kubeconfig = yaml.safe_load(provider.kubeconfig(connection, spec))

    assert health.status == "healthy", health.message
    assert health.details["nodeGroups"] == [
        {"name": "system", "status": "ACTIVE", "desiredSize": 2, "readyNodes": 2, "message": ""}
    ]
    assert (health.details["totalNodes"], health.details["readyNodes"]) == (2, 2)
    described = customer_client("eks").describe_cluster(name=spec.iac_outputs["clusterName"])["cluster"]
    [cluster] = kubeconfig["clusters"]
    assert cluster["cluster"] == {
        "server": described["endpoint"],
        "certificate-authority-data": described["certificateAuthority"]["data"],
    }
    [user] = kubeconfig["users"]
    assert user["user"]["exec"]["command"] == "aws"
    assert user["user"]["exec"]["args"] == ["--region", REGION, "eks", "get-token", "--cluster-name", described["name"]]
    assert kubeconfig["current-context"] == cluster["name"] == described["arn"]


def test_health_of_a_cluster_that_is_gone(provider, connection):
    health = provider.health(connection, cluster_on(NETWORK))

    assert health.status == "unhealthy"
    assert "does not exist" in health.message


# --- What moto cannot show: EKS always answers ACTIVE there. -------------------------------------------------------

# The stubbed EKS never looks at the subnets: a network on paper is enough.
PAPER_NETWORK = dataclasses.replace(
    NETWORK,
    iac_outputs={
        "privateSubnetIds": ["subnet-1", "subnet-2"],
        "publicSubnetIds": ["subnet-3"],
        "securityGroupId": "sg-1",
    },
)


def _cluster(status: str, **extra) -> dict:
    return {"cluster": {"name": "lakesail-analytics-prod-clu0000001", "arn": "arn", "status": status, **extra}}


def _not_found(stub: Stubber, operation: str) -> None:
    stub.add_client_error(operation, service_error_code="ResourceNotFoundException", http_status_code=404)


def test_the_cluster_step_waits_from_creating_to_active(provider, connection):
    # Stubber: moto's EKS is ACTIVE at once; real EKS is CREATING for about ten minutes.
    spec = cluster_on(PAPER_NETWORK)
    ctx = run_steps(provider.cluster_steps(connection, spec)[:2])
    eks = provider.clients.client(connection, "eks")
    with Stubber(eks) as stub:
        _not_found(stub, "describe_cluster")
        stub.add_response(
            "create_cluster",
            {"cluster": {}},
            {
                "name": "lakesail-analytics-prod-clu0000001",
                **dict.fromkeys(["roleArn", "resourcesVpcConfig", "accessConfig", "tags", "version"], ANY),
            },
        )
        stub.add_response("describe_cluster", _cluster("CREATING"))
        stub.add_response("describe_cluster", _cluster("CREATING"))
        stub.add_response("describe_cluster", _cluster("ACTIVE"))
        stub.add_response("describe_cluster", _cluster("ACTIVE", endpoint="https://eks.example", version="1.31"))
        provider.cluster_steps(connection, spec)[2].run(ctx)
        stub.assert_no_pending_responses()

    assert ctx.outputs["clusterEndpoint"] == "https://eks.example"
    assert ctx.state["resources"]["eks-cluster"] == "lakesail-analytics-prod-clu0000001"


def test_a_failed_cluster_is_final_and_a_slow_one_is_retried(provider, connection, settings):
    # Stubber: moto never reports FAILED, nor stays CREATING.
    spec = cluster_on(PAPER_NETWORK)
    ctx = run_steps(provider.cluster_steps(connection, spec)[:2])
    step = provider.cluster_steps(connection, spec)[2]
    with Stubber(provider.clients.client(connection, "eks")) as stub:
        stub.add_response("describe_cluster", _cluster("CREATING"))
        stub.add_response("describe_cluster", _cluster("FAILED", health={"issues": [{"message": "Subnets full"}]}))
        with pytest.raises(ProviderError) as failed:
            step.run(ctx)

        settings.LAKESAIL_AWS_WAIT_SECONDS = 0
        stub.add_response("describe_cluster", _cluster("CREATING"))
        stub.add_response("describe_cluster", _cluster("CREATING"))
        with pytest.raises(ProviderError) as slow:
            step.run(ctx)

    assert (failed.value.code, failed.value.retryable) == ("aws_resource_failed", False)
    assert "Subnets full" in failed.value.message
    assert (slow.value.code, slow.value.retryable) == ("aws_pending", True)


def test_health_follows_the_cluster_through_its_states(provider, connection):
    # Stubber: moto's cluster and node groups are always ACTIVE and never report health issues.
    spec = cluster_on(PAPER_NETWORK)
    group = {"nodegroupName": "system", "status": "ACTIVE", "scalingConfig": {"desiredSize": 2}}
    degraded = {
        **group,
        "status": "DEGRADED",
        "health": {"issues": [{"code": "AsgInstanceLaunchFailures", "message": "InsufficientInstanceCapacity"}]},
    }
    statuses = []
    with Stubber(provider.clients.client(connection, "eks")) as stub:
        stub.add_response("describe_cluster", _cluster("CREATING"))
        stub.add_response("list_nodegroups", {"nodegroups": []})
        stub.add_response("describe_cluster", _cluster("ACTIVE"))
        stub.add_response("list_nodegroups", {"nodegroups": ["system"]})
        stub.add_response("describe_nodegroup", {"nodegroup": group})
        stub.add_response("describe_cluster", _cluster("ACTIVE"))
        stub.add_response("list_nodegroups", {"nodegroups": ["system"]})
        stub.add_response("describe_nodegroup", {"nodegroup": degraded})
        stub.add_response("describe_cluster", _cluster("FAILED"))
        stub.add_response("list_nodegroups", {"nodegroups": []})
        for _ in range(4):
            health = provider.health(connection, spec)
            statuses.append((health.status, health.message))

    assert statuses == [
        ("unknown", "The EKS cluster is CREATING."),
        ("healthy", "The control plane and every node group are active."),
        ("unhealthy", "system: AsgInstanceLaunchFailures: InsufficientInstanceCapacity"),
        ("unhealthy", "The EKS cluster is FAILED."),
    ]
