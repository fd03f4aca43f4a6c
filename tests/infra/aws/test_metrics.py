"""Cluster metrics: CPU and memory from CloudWatch (what a test put there: moto has no Container Insights), cost from
the bundled price table; and the EKS token the console's Kubernetes client uses."""

import base64
import dataclasses
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from apps.infra.providers.aws.kubeconfig import TOKEN_PREFIX, eks_token
from apps.infra.providers.aws.metrics import period_for
from apps.infra.providers.aws.prices import EKS_CLUSTER_HOURLY, PRICES_DATE, instance_hourly
from apps.infra.providers.base import ClusterSpec, NetworkSpec, ProviderError
from tests.infra.aws.conftest import REGION, customer_client

CLUSTER = ClusterSpec(
    id="CLU0000001",
    name="Analytics",
    region=REGION,
    config={"systemNodeGroup": {"instanceTypes": ["m7g.large"], "desiredSize": 3}},
    network=NetworkSpec(id="NET0000001", name="n", region=REGION, config={}),
    iac_outputs={"clusterName": "lakesail-analytics-clu0000001"},
)


def _put(metric: str, values: list[tuple[datetime, float]], cluster_name: str = "lakesail-analytics-clu0000001"):
    customer_client("cloudwatch").put_metric_data(
        Namespace="ContainerInsights",
        MetricData=[
            {
                "MetricName": metric,
                "Dimensions": [{"Name": "ClusterName", "Value": cluster_name}],
                "Timestamp": at,
                "Value": value,
            }
            for at, value in values
        ],
    )


def test_cpu_and_memory_come_from_container_insights_for_this_cluster(provider, connection):
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    _put("node_cpu_utilization", [(now - timedelta(minutes=10), 40.0), (now - timedelta(minutes=5), 60.0)])
    _put("node_cpu_utilization", [(now - timedelta(minutes=5), 99.0)], cluster_name="someone-else")
    _put("node_memory_working_set", [(now - timedelta(minutes=5), 3 * 1024**3)])

    cpu = provider.metrics(connection, CLUSTER, metric="cpu", start=now - timedelta(hours=1), end=now)
    memory = provider.metrics(connection, CLUSTER, metric="memory", start=now - timedelta(hours=1), end=now)

    assert [(p.at, p.value) for p in cpu] == [(now - timedelta(minutes=10), 40.0), (now - timedelta(minutes=5), 60.0)]
    assert [p.value for p in memory] == [3 * 1024.0]  # MiB


def test_cost_is_estimated_from_the_dated_price_table(provider, connection):
    start = datetime(2026, 11, 30, 10, tzinfo=UTC)

    cost = provider.metrics(connection, CLUSTER, metric="cost", start=start, end=start + timedelta(hours=2, minutes=30))

    hourly = round(EKS_CLUSTER_HOURLY + 3 * instance_hourly(REGION, "m7g.large"), 4)
    assert hourly == 0.3448
    # USD accrued since the previous point: whole hours, then the half hour up to `end`.
    assert [(p.at.strftime("%H:%M"), p.value) for p in cost] == [
        ("11:00", hourly),
        ("12:00", hourly),
        ("12:30", 0.1724),
    ]
    assert PRICES_DATE.year >= 2026


def test_unknown_metrics_and_unpriced_types(provider, connection):
    start = datetime(2026, 11, 30, tzinfo=UTC)
    unpriced = dataclasses.replace(CLUSTER, config={"systemNodeGroup": {"instanceTypes": ["x9z.huge"]}})

    assert provider.metrics(connection, unpriced, metric="cost", start=start, end=start + timedelta(hours=1)) == []
    with pytest.raises(ProviderError) as raised:
        provider.metrics(connection, CLUSTER, metric="disk", start=start, end=start)
    assert raised.value.code == "unknown_metric"


def test_the_period_keeps_a_series_short():
    start = datetime(2026, 11, 1, tzinfo=UTC)

    assert period_for(start, start + timedelta(hours=1)) == 60
    assert period_for(start, start + timedelta(days=30)) == 5220  # 30 days in at most 500 points, whole minutes


def test_the_eks_token_is_a_presigned_get_caller_identity_naming_the_cluster(provider, connection):
    token = eks_token(provider.clients.assume(connection).session, "lakesail-analytics-clu0000001", REGION)

    assert token.startswith(TOKEN_PREFIX)
    encoded = token.removeprefix(TOKEN_PREFIX)
    url = urlsplit(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode())
    query = parse_qs(url.query)
    assert query["Action"] == ["GetCallerIdentity"]
    assert "x-k8s-aws-id" in query["X-Amz-SignedHeaders"][0].split(";")
    assert query["X-Amz-Expires"] == ["60"]
    assert "X-Amz-Security-Token" in query  # signed with the assumed role's session credentials
