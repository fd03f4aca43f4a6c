"""`iacState.resources`: the id (or name) of every resource a step created, keyed by its part ("vpc",
"subnet/public-us-east-1a", "eks-cluster", ...). Later steps read their inputs from it and destroy forgets each
part as it deletes it, so what is left there is what still exists."""

from apps.infra.providers.base import ProviderError, StepContext


def resources(ctx: StepContext) -> dict[str, str]:
    return ctx.state.setdefault("resources", {})


def require(ctx: StepContext, part: str) -> str:
    """A resource an earlier step created; its absence means the steps were run out of order."""
    value = resources(ctx).get(part)
    if not value:
        raise ProviderError(f"The {part} does not exist yet: run the steps in order.", code="out_of_order")
    return value
