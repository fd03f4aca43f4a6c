"""What a run cost: its cluster's hourly price * the time it held a run slot / the cluster's run slots.

A cluster runs `cluster_run_slots()` runs at once on one Sail server, so a run pays for its share of the cluster
while it held a slot (dispatch to finish). The price is the provider's own estimate, the one behind the cluster's
"cost" metric (local: settings.LOCAL_CLUSTER_HOURLY_PRICE_USD; aws: the bundled price table).
"""

from decimal import ROUND_HALF_UP, Decimal

from apps.core.errors import ApplicationError
from apps.infra.models import Cluster
from apps.infra.selectors.provider_data import cluster_hourly_estimate
from apps.workloads.models import JobRun
from apps.workloads.services.run_admission import cluster_run_slots

PLACES = Decimal("0.000001")  # JobRun.estimated_cost's decimal places


def cluster_hourly_price(cluster_id: str) -> Decimal | None:
    """USD per hour the job-facing cluster costs while it runs; None when its provider has no price for it."""
    cluster = Cluster.objects.select_related("connection", "provisioned_cluster").filter(pk=cluster_id).first()
    if cluster is None:
        return None
    try:
        hourly = cluster_hourly_estimate(
            connection=cluster.connection, region=cluster.region, config=cluster.provisioned_cluster.config
        )
    except ApplicationError:  # the provider could not say: no estimate rather than a failed run
        return None
    return None if hourly is None else Decimal(str(hourly))


def estimated_cost(run: JobRun) -> Decimal | None:
    """The run's estimated cost in USD, once it ended; None when it never held a slot or its price is unknown."""
    start = run.dispatched_at or run.runner_started_at
    end = run.finished_at or run.runner_completed_at
    if run.cluster_id is None or start is None or end is None:
        return None
    hourly = cluster_hourly_price(run.cluster_id)
    if hourly is None:
        return None
    seconds = Decimal(str(max((end - start).total_seconds(), 0.0)))
    share = hourly * seconds / Decimal(3600) / Decimal(cluster_run_slots(run.cluster_id))
    return share.quantize(PLACES, rounding=ROUND_HALF_UP)
