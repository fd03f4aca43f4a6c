"""The aws provider against moto in server mode on 127.0.0.1: one server per test process, reset between tests.

boto3 finds the server through `AWS_ENDPOINT_URL` (the provider names no endpoint), with dummy credentials and no
config files, so nothing leaves 127.0.0.1. The console's own credentials are moto's default account
(123456789012, standing in for LakeSail's); the customer's stack is deployed into 222233334444 with moto's
`x-moto-account-id` header, and the provider reaches it only by assuming the role from the stack's outputs.
"""

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import psutil
import pytest
import requests

from apps.infra.providers.aws.clients import ClientFactory
from apps.infra.providers.aws.provider import AwsProvider
from apps.infra.providers.base import ConnectionSpec, Step, StepContext, Template

LAKESAIL_ACCOUNT = "123456789012"  # moto's default account: where the dummy credentials live
CUSTOMER_ACCOUNT = "222233334444"
REGION = "us-east-1"
MAX_RSS = 1024**3  # moto keeps some state across resets; past this the server is restarted


class MotoServer:
    """`moto.server` on a free 127.0.0.1 port; restarted on the same port, so the endpoint URL never changes."""

    def __init__(self, log_path: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> None:
        command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]
        # The roles the cluster steps create get AWS-managed policies (AmazonEKSClusterPolicy...) attached.
        env = {**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + timeout
        while True:
            try:
                if requests.get(f"{self.url}/moto-api/data.json", timeout=2).ok:
                    return
            except requests.ConnectionError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"moto server did not start:\n{self.log_path.read_text()}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def reset(self) -> None:
        requests.post(f"{self.url}/moto-api/reset", timeout=30).raise_for_status()
        if self.process is not None and psutil.Process(self.process.pid).memory_info().rss > MAX_RSS:
            self.stop()
            self.start()


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    server = MotoServer(tmp_path_factory.mktemp("moto") / "moto.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def aws_environment(moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch, settings, tmp_path) -> Iterator[str]:
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # the credential chain must not probe 169.254.169.254
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    settings.LAKESAIL_AWS_ACCOUNT_ID = LAKESAIL_ACCOUNT
    settings.LAKESAIL_AWS_POLL_SECONDS = 0
    settings.LAKESAIL_AWS_WAIT_SECONDS = 5
    yield moto_server.url
    moto_server.reset()


def customer_client(service: str, region: str = REGION) -> Any:
    """A client acting in the customer's account directly (moto's header), to deploy the stack and to look."""
    client = boto3.session.Session().client(service, region_name=region)

    def into_customer_account(request: Any, **_: Any) -> None:
        request.headers["x-moto-account-id"] = CUSTOMER_ACCOUNT

    client.meta.events.register("before-send", into_customer_account)
    return client


@pytest.fixture
def provider(aws_environment: str) -> AwsProvider:
    """A provider on the moto server, with a client factory of its own: nothing cached from another test."""
    return AwsProvider(ClientFactory())


@pytest.fixture
def new_connection(provider: AwsProvider) -> Callable[..., ConnectionSpec]:
    """A connection whose stack the customer has deployed (into CUSTOMER_ACCOUNT) from the provider's template."""

    def make(connection_id: str = "CONN000001", *, external_id: str | None = None) -> ConnectionSpec:
        external_id = external_id or secrets.token_urlsafe(24)
        draft = ConnectionSpec(
            id=connection_id,
            organization_id="ORG0000001",
            provider="aws",
            provider_config={"accountId": CUSTOMER_ACCOUNT, "region": REGION},
            external_id=external_id,
        )
        outputs = deploy_template(provider.template(draft))
        return ConnectionSpec(
            id=draft.id,
            organization_id=draft.organization_id,
            provider="aws",
            provider_config={**draft.provider_config, "roleArn": outputs["RoleArn"]},
            external_id=external_id,
        )

    return make


@pytest.fixture
def connection(new_connection: Callable[..., ConnectionSpec]) -> ConnectionSpec:
    return new_connection()


def deploy_stack(body: str, parameters: dict[str, str], quick_launch_url: str) -> dict[str, str]:
    """Deploy a template as the customer does through the quick-create link (its stack name included)."""
    stack_name = parse_qs(urlsplit(quick_launch_url).fragment.partition("?")[2])["stackName"][0]
    cloudformation = customer_client("cloudformation")
    cloudformation.create_stack(
        StackName=stack_name,
        TemplateBody=body,
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        Capabilities=["CAPABILITY_NAMED_IAM"],
    )
    stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack
    return {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}


def deploy_template(template: Template) -> dict[str, str]:
    return deploy_stack(template.body, template.parameters, template.quick_launch_url)


def run_steps(steps: list[Step], ctx: StepContext | None = None) -> StepContext:
    """What the operation runner does with a provider's steps: run them in order on one state, kept between runs."""
    ctx = ctx or StepContext(state={}, outputs={})
    for step in steps:
        step.run(ctx)
    return ctx
