"""A cluster's metrics over a period, in at most POINTS buckets: provider CPU, memory and cost, sampled runs."""

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from apps.core import clock
from apps.core.errors import InvalidInput
from apps.infra.errors import provider_call
from apps.infra.models import ClusterMetricSample, ProvisionedCluster
from apps.infra.providers.base import MetricPoint, ProviderError
from apps.infra.specs import cluster_spec, connection_spec, provider_of

POINTS = 60
_PERIOD = re.compile(r"^([1-9][0-9]{0,4})([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def parse_period(raw: str | None) -> timedelta:
    """`1h` (default), `30m`, `6h`, `7d`...: at least 5 minutes, at most the retention (7 days)."""
    match = _PERIOD.match(raw or "1h")
    longest = timedelta(days=settings.INFRA_METRICS_RETENTION_DAYS)
    period = timedelta(**{_UNITS[match.group(2)]: int(match.group(1))}) if match else None
    if period is None or not timedelta(minutes=5) <= period <= longest:
        raise InvalidInput(
            "period must be a duration such as 1h, 6h or 7d.",
            field_errors={"period": f"A number and m, h or d, from 5m to {settings.INFRA_METRICS_RETENTION_DAYS}d."},
        )
    return period


@dataclass(frozen=True)
class ClusterMetrics:
    cpu: list[MetricPoint]
    memory: list[MetricPoint]
    cost: list[MetricPoint]
    active_runs: list[MetricPoint]


def cluster_metrics(*, cluster: ProvisionedCluster, period: timedelta) -> ClusterMetrics:
    end = clock.now()
    start = end - period
    provider, conn, spec = provider_of(cluster.connection), connection_spec(cluster.connection), cluster_spec(cluster)
    with provider_call():
        cpu = provider.metrics(conn, spec, metric="cpu", start=start, end=end)
        memory = provider.metrics(conn, spec, metric="memory", start=start, end=end)
    try:
        cost = provider.metrics(conn, spec, metric="cost", start=start, end=end)
    except ProviderError:
        cost = []  # a provider without prices
    runs = ClusterMetricSample.objects.filter(cluster=cluster, at__gte=start, at__lte=end).values_list(
        "at", "active_runs"
    )
    step = period / POINTS
    return ClusterMetrics(
        cpu=_buckets(cpu, start, step, _mean),
        memory=_buckets(memory, start, step, _mean),
        cost=_buckets(cost, start, step, sum),
        active_runs=_buckets((MetricPoint(at, value) for at, value in runs), start, step, _mean),
    )


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def _buckets(
    points: Iterable[MetricPoint], start: datetime, step: timedelta, combine: Callable[[list[float]], float]
) -> list[MetricPoint]:
    """One point per bucket that has data, at the bucket's start: averages (or sums, for cost)."""
    grouped: dict[int, list[float]] = defaultdict(list)
    for point in points:
        grouped[max(0, int((point.at - start) / step))].append(point.value)
    return [MetricPoint(at=start + step * index, value=combine(grouped[index])) for index in sorted(grouped)]
