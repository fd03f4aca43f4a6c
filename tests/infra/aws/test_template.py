"""The connection template: what the customer deploys, and the links the console shows for it."""

import dataclasses
import json
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from apps.infra.providers.aws.template import TEMPLATE_VERSION
from apps.infra.providers.base import ConnectionSpec, ProviderError, StepContext
from tests.infra.aws.conftest import CUSTOMER_ACCOUNT, LAKESAIL_ACCOUNT, customer_client, deploy_template, run_steps

EXTERNAL_ID = "ext-3f9a1c77d2b84e0f"


def _connection(region: str = "eu-west-1") -> ConnectionSpec:
    return ConnectionSpec(
        id="A1B2C3D4E5",
        organization_id="ORG0000001",
        provider="aws",
        provider_config={"region": region},
        external_id=EXTERNAL_ID,
    )


def test_the_role_trusts_the_lakesail_account_only_with_the_external_id(provider):
    body = yaml.safe_load(provider.template(_connection()).body)

    role = body["Resources"]["Role"]["Properties"]
    [statement] = role["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"AWS": {"Ref": "LakeSailPrincipal"}}
    assert statement["Condition"] == {"StringEquals": {"sts:ExternalId": {"Ref": "ExternalId"}}}
    assert body["Parameters"]["LakeSailPrincipal"]["Default"] == f"arn:aws:iam::{LAKESAIL_ACCOUNT}:root"
    assert body["Parameters"]["ExternalId"]["NoEcho"] is True
    assert role["RoleName"] == {"Fn::Sub": "lakesail-${ConnectionId}"}


def test_the_permissions_boundary_limits_iam_to_lakesail_roles_and_the_eks_policies(provider):
    body = yaml.safe_load(provider.template(_connection()).body)

    role = body["Resources"]["Role"]["Properties"]
    assert role["PermissionsBoundary"] == {"Ref": "PermissionsBoundary"}
    boundary = body["Resources"]["PermissionsBoundary"]["Properties"]
    assert boundary["ManagedPolicyName"]["Fn::Sub"].startswith("lakesail-")
    statements = boundary["PolicyDocument"]["Statement"]
    iam = [s for s in statements if any(a.startswith("iam:") for a in s["Action"]) and s["Resource"] != "*"]
    assert iam and all(s["Resource"]["Fn::Sub"].endswith(":role/lakesail-*") for s in iam)
    attach = next(s for s in statements if "iam:AttachRolePolicy" in s["Action"])
    allowed = [arn["Fn::Sub"].rsplit("/", 1)[1] for arn in attach["Condition"]["ArnEquals"]["iam:PolicyARN"]]
    assert set(allowed) == {
        "AmazonEKSClusterPolicy",
        "AmazonEKSWorkerNodePolicy",
        "AmazonEKS_CNI_Policy",
        "AmazonEC2ContainerRegistryReadOnly",
    }
    # Nothing else in the boundary touches IAM on every resource except the service-linked roles of EKS.
    unscoped = [a for s in statements if s["Resource"] == "*" for a in s["Action"] if a.startswith("iam:")]
    assert unscoped == ["iam:CreateServiceLinkedRole"]


def test_the_body_holds_no_secret_so_it_can_be_served_publicly(provider):
    template = provider.template(_connection())

    assert EXTERNAL_ID not in template.body
    assert template.parameters == {
        "ConnectionId": "A1B2C3D4E5",
        "LakeSailPrincipal": f"arn:aws:iam::{LAKESAIL_ACCOUNT}:root",
        "ExternalId": EXTERNAL_ID,
    }


def test_links_point_at_the_console_download_and_a_quick_create_with_the_parameters(provider, settings):
    settings.CONSOLE_BASE_URL = "https://console.example.test"
    settings.LAKESAIL_AWS_TEMPLATE_BASE_URL = "https://templates.example.test/aws/{id}.yaml"

    template = provider.template(_connection(region="eu-west-1"))

    assert template.download_url == "https://console.example.test/api/v1/infra/connections/A1B2C3D4E5/template/download"
    assert template.template_url == "https://templates.example.test/aws/A1B2C3D4E5.yaml"
    link = urlsplit(template.quick_launch_url)
    assert (link.netloc, link.path, link.query) == (
        "console.aws.amazon.com",
        "/cloudformation/home",
        "region=eu-west-1",
    )
    route, _, query = link.fragment.partition("?")
    assert route == "/stacks/quickcreate"
    params = {k: v[0] for k, v in parse_qs(query).items()}
    assert params == {
        "templateURL": template.template_url,
        "stackName": "lakesail-a1b2c3d4e5",
        "param_ConnectionId": "A1B2C3D4E5",
        "param_LakeSailPrincipal": f"arn:aws:iam::{LAKESAIL_ACCOUNT}:root",
        "param_ExternalId": EXTERNAL_ID,
    }


def test_the_template_url_defaults_to_the_console_download_endpoint(provider, settings):
    # The default of LAKESAIL_AWS_TEMPLATE_BASE_URL is built from CONSOLE_BASE_URL when settings load.
    template = provider.template(_connection())

    assert template.template_url == template.download_url
    assert template.download_url == f"{settings.CONSOLE_BASE_URL}/api/v1/infra/connections/A1B2C3D4E5/template/download"


def test_the_stack_deploys_in_the_customer_account(provider):
    template = provider.template(_connection())

    outputs = deploy_template(template)

    assert outputs["RoleArn"] == f"arn:aws:iam::{CUSTOMER_ACCOUNT}:role/lakesail-A1B2C3D4E5"
    role = customer_client("iam").get_role(RoleName="lakesail-A1B2C3D4E5")["Role"]
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == outputs["PermissionsBoundaryArn"]
    trust = role["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    assert trust["Statement"][0]["Condition"] == {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}}


def test_template_sync_records_the_stack_and_its_current_version(provider, connection):
    ctx = run_steps(provider.template_sync_steps(connection))

    assert ctx.state == {"templateVersion": TEMPLATE_VERSION}
    assert ctx.outputs["stackArn"].startswith(
        f"arn:aws:cloudformation:us-east-1:{CUSTOMER_ACCOUNT}:stack/lakesail-conn000001/"
    )


def test_template_sync_of_an_outdated_stack_says_what_to_do(provider):
    conn = dataclasses.replace(_connection(region="us-east-1"), id="OLD0000001")
    current = provider.template(conn)
    outputs = deploy_template(dataclasses.replace(current, body=current.body.replace(TEMPLATE_VERSION, "2025-01-01")))
    conn = dataclasses.replace(conn, provider_config={**conn.provider_config, "roleArn": outputs["RoleArn"]})

    with pytest.raises(ProviderError) as raised:
        run_steps(provider.template_sync_steps(conn), ctx := StepContext(state={}, outputs={}))

    assert (raised.value.code, raised.value.retryable) == ("aws_template_outdated", False)
    assert "2025-01-01" in raised.value.message and current.template_url in raised.value.message
    assert ctx.outputs["stackArn"]  # recorded all the same
