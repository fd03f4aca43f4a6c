"""`sync-template` for aws: read which template version the customer's connection stack runs.

The role cannot update its own stack (that would let LakeSail widen its own permissions), so the customer updates
it; the sync records the stack's ARN and version and, when the version is behind, fails with what to do.
"""

from apps.infra.providers.aws.clients import ClientFactory
from apps.infra.providers.aws.errors import aws_errors
from apps.infra.providers.aws.template import TEMPLATE_VERSION, stack_name, template
from apps.infra.providers.base import ConnectionSpec, ProviderError, Step, StepContext


def template_sync_steps(factory: ClientFactory, conn: ConnectionSpec) -> list[Step]:
    stack = str(conn.provider_config.get("stackArn") or stack_name(conn))

    def check(ctx: StepContext) -> None:
        with aws_errors("read the connection's CloudFormation stack"):
            found = factory.client(conn, "cloudformation").describe_stacks(StackName=stack)["Stacks"][0]
        outputs = {o["OutputKey"]: o["OutputValue"] for o in found.get("Outputs", [])}
        version = outputs.get("TemplateVersion", "")
        ctx.state["templateVersion"] = version
        ctx.outputs["stackArn"] = found["StackId"]
        if version != TEMPLATE_VERSION:
            raise ProviderError(
                f"The stack {found['StackName']} runs template {version or 'of an unknown version'}; update it in "
                f"CloudFormation with the current template ({TEMPLATE_VERSION}): {template(conn).template_url}",
                code="aws_template_outdated",
            )

    return [Step("lakesail:aws:cloudformation:connection-stack", "aws:cloudformation:Stack", stack, "update", check)]
