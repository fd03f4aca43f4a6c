"""What the customer's account offers (regions, instance types, VPCs), read through the assumed role and cached:
the console asks on every form render, and the answers change on the scale of weeks."""

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from apps.infra.providers.aws.clients import ClientFactory
from apps.infra.providers.aws.errors import aws_errors
from apps.infra.providers.aws.prices import instance_hourly
from apps.infra.providers.base import ConnectionSpec, InstanceType, ProviderNetwork, Region

CACHE_SECONDS = 600
# Partitions a LakeSail account cannot reach: China (separate accounts) and GovCloud.
EXCLUDED_REGION_PREFIXES = ("cn-", "us-gov-")
REGION_NAMES = {
    "us-east-1": "US East (N. Virginia)",
    "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)",
    "us-west-2": "US West (Oregon)",
    "ca-central-1": "Canada (Central)",
    "sa-east-1": "South America (São Paulo)",
    "eu-west-1": "Europe (Ireland)",
    "eu-west-2": "Europe (London)",
    "eu-west-3": "Europe (Paris)",
    "eu-central-1": "Europe (Frankfurt)",
    "eu-north-1": "Europe (Stockholm)",
    "ap-northeast-1": "Asia Pacific (Tokyo)",
    "ap-northeast-2": "Asia Pacific (Seoul)",
    "ap-south-1": "Asia Pacific (Mumbai)",
    "ap-southeast-1": "Asia Pacific (Singapore)",
    "ap-southeast-2": "Asia Pacific (Sydney)",
}

T = TypeVar("T")


class TtlCache:
    """A per-process cache with a lifetime; a miss loads outside the lock (two loads may race: both are right)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._entries: dict[tuple, tuple[float, Any]] = {}

    def get(self, key: tuple, load: Callable[[], T]) -> T:
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and entry[0] > time.monotonic():
            return entry[1]
        value = load()
        with self._lock:
            self._entries[key] = (time.monotonic() + self.seconds, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class Catalog:
    def __init__(self, factory: ClientFactory, cache: TtlCache | None = None) -> None:
        self.factory = factory
        self.cache = cache or TtlCache(CACHE_SECONDS)

    def _key(self, conn: ConnectionSpec, *parts: str) -> tuple:
        # The role is part of the key: a connection pointed at another account must not see the old one's answers.
        return (conn.id, str(conn.provider_config.get("roleArn", "")), *parts)

    def regions(self, conn: ConnectionSpec) -> list[Region]:
        return self.cache.get(self._key(conn, "regions"), lambda: self._regions(conn))

    def _regions(self, conn: ConnectionSpec) -> list[Region]:
        with aws_errors("list the regions"):
            response = self.factory.client(conn, "ec2").describe_regions()
        names = sorted(
            r["RegionName"] for r in response["Regions"] if not r["RegionName"].startswith(EXCLUDED_REGION_PREFIXES)
        )
        return [Region(id=name, name=REGION_NAMES.get(name, name)) for name in names]

    def instance_types(self, conn: ConnectionSpec, region: str) -> list[InstanceType]:
        return self.cache.get(self._key(conn, "instance-types", region), lambda: self._instance_types(conn, region))

    def _instance_types(self, conn: ConnectionSpec, region: str) -> list[InstanceType]:
        paginator = self.factory.client(conn, "ec2", region).get_paginator("describe_instance_types")
        found: list[InstanceType] = []
        with aws_errors("list the instance types"):
            pages = paginator.paginate(Filters=[{"Name": "current-generation", "Values": ["true"]}])
            for item in (t for page in pages for t in page["InstanceTypes"]):
                architectures = item["ProcessorInfo"]["SupportedArchitectures"]
                architecture = "arm64" if "arm64" in architectures else "x86_64" if "x86_64" in architectures else ""
                if not architecture:  # 32-bit and Mac-only types cannot run EKS nodes
                    continue
                # DescribeInstanceTypes cannot filter on GPU count: count them from GpuInfo here.
                gpus = sum(int(g.get("Count", 0)) for g in (item.get("GpuInfo") or {}).get("Gpus", []))
                found.append(
                    InstanceType(
                        id=item["InstanceType"],
                        vcpus=int(item["VCpuInfo"]["DefaultVCpus"]),
                        memory_mib=int(item["MemoryInfo"]["SizeInMiB"]),
                        architecture=architecture,
                        gpus=gpus,
                        hourly_price_usd=instance_hourly(region, item["InstanceType"]),
                    )
                )
        return sorted(found, key=lambda t: t.id)

    def provider_networks(self, conn: ConnectionSpec, region: str) -> list[ProviderNetwork]:
        return self.cache.get(self._key(conn, "vpcs", region), lambda: self._vpcs(conn, region))

    def _vpcs(self, conn: ConnectionSpec, region: str) -> list[ProviderNetwork]:
        paginator = self.factory.client(conn, "ec2", region).get_paginator("describe_vpcs")
        with aws_errors("list the VPCs"):
            vpcs = [vpc for page in paginator.paginate() for vpc in page["Vpcs"]]
        return [
            ProviderNetwork(
                id=vpc["VpcId"],
                name=next((t["Value"] for t in vpc.get("Tags", []) if t["Key"] == "Name"), vpc["VpcId"]),
                cidr=vpc["CidrBlock"],
                is_default=bool(vpc.get("IsDefault")),
            )
            for vpc in sorted(vpcs, key=lambda v: v["VpcId"])
        ]
