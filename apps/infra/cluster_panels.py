"""Panels that other domains add to a cluster's console page, without infra importing them (they sit above it).

The workloads domain registers, in its AppConfig.ready, the jobs and the sessions that run on a cluster:

    from apps.infra import cluster_panels
    cluster_panels.register("sessions", title="Sessions on this cluster",
                            template="workloads/cluster_sessions.html", context=sessions_on_cluster, order=20)

`context(principal, cluster_id)` gets the job-facing cluster's id (what jobs and sessions name) and returns what the
panel's template renders (as `panel`), or None to leave the panel out (nothing the principal may see). It reads
through its own domain's selectors, so a list the principal may not see is empty, never a 403.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from apps.core.principal import Principal

PanelContext = Callable[[Principal, str], Mapping[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    template: str
    context: PanelContext
    order: int = 100


@dataclass(frozen=True)
class Filled:
    panel: Panel
    context: Mapping[str, Any]


_panels: dict[str, Panel] = {}


def register(key: str, *, title: str, template: str, context: PanelContext, order: int = 100) -> None:
    """Add a panel (registering the same key again replaces it: ready() may run more than once)."""
    _panels[key] = Panel(key=key, title=title, template=template, context=context, order=order)


def unregister(key: str) -> None:
    _panels.pop(key, None)


def fill(principal: Principal, cluster_id: str | None) -> list[Filled]:
    """The panels with something for this principal on this job-facing cluster (none before it is provisioned)."""
    if cluster_id is None:
        return []
    filled = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(principal, cluster_id)
        if context is not None:
            filled.append(Filled(panel, context))
    return filled
