"""Cost estimates from a bundled, dated price table: AWS's Pricing API is not called, so an estimate costs nothing,
needs no pricing permission, and says which day its prices are from. Update the table and `PRICES_DATE` together."""

from datetime import date

PRICES_DATE = date(2026, 11, 1)
CURRENCY = "USD"
EKS_CLUSTER_HOURLY = 0.10  # the control plane, standard support, per cluster-hour in every listed region

# On-demand Linux hourly list prices, copied by hand: a handful of common types per region.
INSTANCE_HOURLY: dict[str, dict[str, float]] = {
    "us-east-1": {
        "t3.medium": 0.0416,
        "t3.large": 0.0832,
        "m5.large": 0.096,
        "m5.xlarge": 0.192,
        "m6i.large": 0.096,
        "m6i.xlarge": 0.192,
        "m6i.2xlarge": 0.384,
        "m7i.large": 0.1008,
        "m6g.large": 0.077,
        "m7g.large": 0.0816,
        "m7g.xlarge": 0.1632,
        "m7g.2xlarge": 0.3264,
        "c7g.large": 0.0725,
        "r7g.large": 0.1071,
        "g5.xlarge": 1.006,
    },
    "us-east-2": {
        "t3.medium": 0.0416,
        "m6i.large": 0.096,
        "m6i.xlarge": 0.192,
        "m7g.large": 0.0816,
        "m7g.xlarge": 0.1632,
        "c7g.large": 0.0725,
        "g5.xlarge": 1.006,
    },
    "us-west-2": {
        "t3.medium": 0.0416,
        "m5.large": 0.096,
        "m6i.large": 0.096,
        "m6i.xlarge": 0.192,
        "m7g.large": 0.0816,
        "m7g.xlarge": 0.1632,
        "c7g.large": 0.0725,
        "r7g.large": 0.1071,
        "g5.xlarge": 1.006,
    },
    "eu-west-1": {
        "t3.medium": 0.0456,
        "m5.large": 0.107,
        "m6i.large": 0.107,
        "m6i.xlarge": 0.214,
        "m7g.large": 0.0892,
        "m7g.xlarge": 0.1784,
        "c7g.large": 0.0793,
        "g5.xlarge": 1.123,
    },
    "eu-central-1": {
        "t3.medium": 0.048,
        "m5.large": 0.115,
        "m6i.large": 0.115,
        "m6i.xlarge": 0.23,
        "m7g.large": 0.0936,
        "m7g.xlarge": 0.1872,
        "c7g.large": 0.0826,
        "g5.xlarge": 1.258,
    },
}


def instance_hourly(region: str, instance_type: str) -> float | None:
    """The on-demand hourly price, or None when the table does not list the type in that region."""
    return INSTANCE_HOURLY.get(region, {}).get(instance_type)


def cluster_hourly(region: str, instance_type: str, nodes: int) -> float | None:
    """The EKS control plane plus `nodes` instances of `instance_type`; None when the type's price is unknown."""
    node_price = instance_hourly(region, instance_type)
    if node_price is None:
        return None
    return round(EKS_CLUSTER_HOURLY + nodes * node_price, 4)
