"""Template helpers of the infra console: statuses as the shared CSS's badges, memory sizes, operation stages."""

from django import template

from apps.core.operations import Operation, OperationStatus

register = template.Library()

STAGES = (("queued", "Queued"), ("starting", "Starting"), ("running", "Running the steps"), ("completed", "Done"))

# Statuses of connections, networks, clusters and their health → the console's badge colours.
_BADGES = {
    "active": "succeeded",
    "healthy": "succeeded",
    "succeeded": "succeeded",
    "failed": "failed",
    "unhealthy": "failed",
    "pending": "pending",
    "provisioning": "running",
    "updating": "running",
    "destroying": "running",
    "running": "running",
}


@register.filter
def badge(status: str | None) -> str:
    """`badge badge-<colour>` for a status; unknown and destroyed are neutral."""
    colour = _BADGES.get(status or "")
    return f"badge badge-{colour}" if colour else "badge"


@register.filter
def mib(value: float | None) -> str:
    """Memory in MiB for people: `7.8 GiB`, `512 MiB`."""
    if value is None:
        return "—"
    return f"{value / 1024:.1f} GiB".replace(".0 GiB", " GiB") if value >= 1024 else f"{value:.0f} MiB"


@register.filter
def stages(operation: Operation) -> list[dict[str, str]]:
    """Queued → starting → running the steps → done (or failed), each `done`, `current`, `failed` or `todo`."""
    if operation.status == OperationStatus.PENDING:
        current = "queued"
    elif operation.is_terminal:
        current = "completed"
    else:
        current = "running" if operation.progress.get("stage") == "running" else "starting"
    position = [key for key, _label in STAGES].index(current)
    failed = operation.status == OperationStatus.FAILED

    def state(index: int) -> str:
        if index != position:
            return "done" if index < position else "todo"
        if failed:
            return "failed"
        return "done" if operation.is_terminal else "current"

    return [
        {"label": "Failed" if failed and key == "completed" else label, "state": state(index)}
        for index, (key, label) in enumerate(STAGES)
    ]


@register.filter
def seconds(milliseconds: int | float | None) -> str:
    """A step's duration (recorded in ms): `0.4 s`, `12 s`, `3 min 5 s`."""
    if not milliseconds:
        return "—"
    total = milliseconds / 1000
    if total < 10:
        return f"{total:.1f} s"
    if total < 60:
        return f"{total:.0f} s"
    return f"{int(total // 60)} min {int(total % 60)} s"
