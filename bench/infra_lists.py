"""The cluster lists against a bare Django JSON view of the same rows, measured in the same run.

    .venv/bin/python bench/infra_lists.py [--clusters 1000] [--seconds 8]

Seeds (once) an organization with one local connection, one network and N provisioned clusters, each with its
job-facing cluster and a finished operation, in PostgreSQL (`BENCH_DATABASE_URL`, default
`postgres://postgres@127.0.0.1:5432/lakesail_bench`); serves the console with gunicorn (2 sync workers); and prints,
for `GET /infra/clusters` (marker pages: first and last) and `GET /me/clusters` (numbered pages: first and last),
requests/s, p50, p99, the bare view's requests/s (`bench/bare.py: clusters`, 100 rows of the cluster table), the
ratio, and the queries one request makes at limit 10 and at limit 100 (constant in page size).
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import harness

BENCH_ORG = "Bench Infra"
OWNER = "owner@bench-infra.test"
CONFIG = {"systemNodeGroup": {"name": "system", "minSize": 1, "maxSize": 4, "desiredSize": 2}}


def seed(clusters: int) -> tuple[str, str]:
    """The benchmark organization with `clusters` clusters (created once) and a fresh owner token."""
    from django.db import connection, transaction

    from apps.core.operations import Operation, OperationStatus
    from apps.identity.models import User
    from apps.identity.services.accounts import organization_bootstrap
    from apps.identity.services.logins import login_create
    from apps.infra.models import Cluster, Connection, Network, ProvisionedCluster
    from apps.org.models import Organization

    with transaction.atomic():
        org = Organization.objects.filter(name=BENCH_ORG).first()
        if org is None:
            org, _ = organization_bootstrap(name=BENCH_ORG, email=OWNER, password="bench-password-1")
        machine, _ = Connection.objects.get_or_create(
            organization=org, name="Bench machine", defaults={"provider": "local", "status": "active"}
        )
        network, _ = Network.objects.get_or_create(
            organization=org,
            connection=machine,
            name="Bench network",
            defaults={"region": "local", "status": "active", "provider_network_id": "loopback"},
        )
        have = ProvisionedCluster.objects.filter(organization=org).count()
        new = range(have, clusters)
        operations = Operation.objects.bulk_create(
            Operation(
                organization=org,
                operation="cluster.provision",
                status=OperationStatus.SUCCEEDED,
                resource_type="provisioned_cluster",
            )
            for _ in new
        )
        provisioned = ProvisionedCluster.objects.bulk_create(
            ProvisionedCluster(
                organization=org,
                connection=machine,
                network=network,
                name=f"cluster-{i:05d}",
                region="local",
                config=CONFIG,
                status="active",
                last_health_status="healthy",
                iac_state={"projectName": "lakesail-cluster", "stackName": f"bench-{i:05d}", "port": 15000 + i},
                iac_outputs={"sparkConnectUrl": f"sc://127.0.0.1:{15000 + i}", "mode": "local-cluster"},
                provider_metadata={"clusterName": f"cluster-{i:05d}", "mode": "local-cluster"},
                last_operation=operation,
            )
            for i, operation in zip(new, operations, strict=True)
        )
        for cluster, operation in zip(provisioned, operations, strict=True):
            operation.resource_id = cluster.pk
        Operation.objects.bulk_update(operations, ["resource_id"])
        Cluster.objects.bulk_create(
            Cluster(
                organization=org,
                provisioned_cluster=cluster,
                connection=machine,
                network=network,
                name=cluster.name,
                region=cluster.region,
            )
            for cluster in provisioned
        )
    with connection.cursor() as cursor:  # bulk-inserted rows: give the planner statistics, as autovacuum would
        cursor.execute("ANALYZE infra_provisionedcluster, infra_cluster, core_operation")
    _login, token = login_create(user=User.objects.get(email=OWNER))
    return org.pk, token


def last_marker(path: str, headers: dict[str, str]) -> str:
    """The marker that fetches the last page of a marker-paginated list (walked in-process)."""
    from django.test import Client

    client = Client(**{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
    marker = ""
    while True:
        body = client.get(f"{path}?limit=100" + (f"&marker={marker}" if marker else "")).json()
        if "marker" not in body:
            return marker
        marker = body["marker"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clusters", type=int, default=1_000)
    parser.add_argument("--seconds", type=int, default=8)
    args = parser.parse_args()
    harness.setup_django(os.environ.get("BENCH_DATABASE_URL", harness.DEFAULT_DATABASE_URL))
    org_id, token = seed(args.clusters)
    headers = {"Authorization": f"Bearer {token}", "LakeSail-Organization-Id": org_id}
    last_page = max(1, -(-args.clusters // 100))
    deepest = f"marker={last_marker('/api/v1/infra/clusters', headers)}"
    endpoints = [  # label, path, query, the bare view's page of the same rows
        ("GET /infra/clusters (first)", "/api/v1/infra/clusters", "", 1),
        ("GET /infra/clusters (last)", "/api/v1/infra/clusters", deepest, last_page),
        ("GET /me/clusters (first)", "/api/v1/me/clusters", "", 1),
        ("GET /me/clusters (last)", "/api/v1/me/clusters", f"page={last_page}", last_page),
    ]
    print(f"{args.clusters} clusters; gunicorn 2 sync workers; wrk 4 connections, {args.seconds} s")
    print("q: database queries of one request at limit 10 / limit 100")
    print(harness.HEADER.replace("    q", "      q"))
    with harness.gunicorn() as base:
        for label, path, query, bare_page in endpoints:
            suffix = "?" + "&".join(part for part in ("limit=100", query) if part)
            small = harness.queries_per_request(path + suffix.replace("limit=100", "limit=10"), headers)
            queries = harness.queries_per_request(path + suffix, headers)
            load = harness.wrk(base + path + suffix, headers, args.seconds)
            bare_url = f"{base}/bench/bare/clusters?org={org_id}&limit=100&page={bare_page}"
            bare = harness.wrk(bare_url, {}, args.seconds)
            row = harness.report_row(label, load, bare, queries)
            print(f"{row[:-5]} {small:>3}/{queries:<3}", flush=True)
            if load.errors or bare.errors:
                print(f"  non-2xx: {load.errors} api, {bare.errors} bare")


if __name__ == "__main__":
    main()
