"""What other domains tell infra without infra importing them (they sit above it).

The workloads domain registers, in its AppConfig.ready, how many runs are active on each cluster:

    from apps.infra.hooks import set_active_runs_counter
    set_active_runs_counter(lambda cluster_ids: {...})  # job-facing Cluster id -> active runs

The metrics beat task records the count with every sample (`activeJobCount` of the metrics endpoint); until a
counter is registered, every cluster has 0.
"""

from collections.abc import Callable, Mapping, Sequence

ActiveRunsCounter = Callable[[Sequence[str]], Mapping[str, int]]

_active_runs_counter: ActiveRunsCounter | None = None


def set_active_runs_counter(counter: ActiveRunsCounter | None) -> None:
    global _active_runs_counter
    _active_runs_counter = counter


def active_runs(cluster_ids: Sequence[str]) -> dict[str, int]:
    counts = dict(_active_runs_counter(cluster_ids)) if _active_runs_counter and cluster_ids else {}
    return {cluster_id: int(counts.get(cluster_id, 0)) for cluster_id in cluster_ids}
