"""Cluster metrics: CPU and memory from CloudWatch Container Insights, cost from the bundled price table."""

import math
from datetime import datetime, timedelta
from typing import Any

from apps.infra.providers.aws.errors import aws_errors
from apps.infra.providers.aws.prices import cluster_hourly
from apps.infra.providers.base import MetricPoint, ProviderError

NAMESPACE = "ContainerInsights"  # what the CloudWatch observability add-on publishes, per ClusterName
# metric → (Container Insights name, factor to our unit): CPU in percent, memory in MiB (published in bytes).
CLOUDWATCH_METRICS = {"cpu": ("node_cpu_utilization", 1.0), "memory": ("node_memory_working_set", 1 / (1024 * 1024))}
MAX_POINTS = 500


def period_for(start: datetime, end: datetime) -> int:
    """A CloudWatch period (a multiple of 60 s) that keeps the series under `MAX_POINTS`."""
    seconds = max((end - start).total_seconds(), 60)
    return max(60, math.ceil(seconds / MAX_POINTS / 60) * 60)


def cloudwatch_points(
    cloudwatch: Any, cluster_name: str, metric: str, start: datetime, end: datetime
) -> list[MetricPoint]:
    name, factor = CLOUDWATCH_METRICS[metric]
    query = {
        "Id": "m",
        "MetricStat": {
            "Metric": {
                "Namespace": NAMESPACE,
                "MetricName": name,
                "Dimensions": [{"Name": "ClusterName", "Value": cluster_name}],
            },
            "Period": period_for(start, end),
            "Stat": "Average",
        },
        "ReturnData": True,
    }
    points: list[MetricPoint] = []
    arguments: dict[str, Any] = {"MetricDataQueries": [query], "StartTime": start, "EndTime": end}
    with aws_errors("read the cluster's metrics"):
        while True:
            response = cloudwatch.get_metric_data(**arguments)
            for result in response["MetricDataResults"]:
                points += [
                    MetricPoint(at, v * factor) for at, v in zip(result["Timestamps"], result["Values"], strict=True)
                ]
            if not response.get("NextToken"):
                break
            arguments["NextToken"] = response["NextToken"]
    return sorted(points, key=lambda p: p.at)


def cost_points(region: str, instance_type: str, nodes: int, start: datetime, end: datetime) -> list[MetricPoint]:
    """Estimated USD accrued since the previous point: one point per hour after `start` (the last one at `end` for
    a partial hour); none when the table has no price for the type."""
    hourly = cluster_hourly(region, instance_type, nodes)
    if hourly is None:
        return []
    points: list[MetricPoint] = []
    previous = start
    while previous < end:
        at = min(previous + timedelta(hours=1), end)
        points.append(MetricPoint(at, round(hourly * (at - previous).total_seconds() / 3600, 6)))
        previous = at
    return points


def unknown_metric(metric: str) -> ProviderError:
    return ProviderError(f"No metric {metric!r}: ask for cpu, memory or cost.", code="unknown_metric")
