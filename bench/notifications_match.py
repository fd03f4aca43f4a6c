"""The notification matcher under load: events through many rules to many channels.

    .venv/bin/python bench/notifications_match.py [--events 10000] [--rules 1000] [--channels 100]

Seeds an organization in PostgreSQL (`BENCH_DATABASE_URL`, default the `lakesail_bench_notifications` database,
created and migrated when missing; its notification log is emptied first): 100 teams, members, 50 clusters
shared with teams, channels and rules. Then gives each event, a run's as workloads publishes it or a cluster's as
infra does, to the subscriber the event bus runs (`matching.handle`, registered as `notifications.<type>`) the
way `deliver()` runs it: in the delivery's transaction; the notifications are written and, at the commit,
the fan-out task is enqueued (to Celery's in-memory broker: the enqueue's serialization and publish, not a
network round trip). Prints the time per event (p50, p95, p99: wall clock, this thread's CPU time, which a
shared machine's load does not inflate, and the CPU time of matching alone; then the CPU time of the events a
personal rule matched, which load members' grants, and of the others) and the notifications made, then the
handler's queries per event for several rule counts, which must not grow with the number of rules.
Target: p95 <= 5 ms.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("LAKESAIL_VAR_DIR", tempfile.mkdtemp(prefix="lakesail-bench-notifications-"))
os.environ["CELERY_BROKER_URL"] = "memory://"

from bench import harness

harness.setup_django(
    os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lakesail_bench_notifications")
)

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from apps.core import clock  # noqa: E402
from apps.core.events import Event  # noqa: E402
from apps.core.ids import new_id  # noqa: E402
from apps.identity.models import User  # noqa: E402
from apps.infra.models import Cluster, ClusterTeam, Connection, Network, ProvisionedCluster  # noqa: E402
from apps.notifications import matching, ruleset  # noqa: E402
from apps.notifications.catalog import EVENT_TYPES  # noqa: E402
from apps.notifications.models import Channel, Notification, Rule, RuleChannel  # noqa: E402
from apps.org.models import Member, MemberRole, Organization, Role, Team, TeamMember  # noqa: E402
from apps.org.services.organizations import organization_create  # noqa: E402

TEAMS = 100
JOBS = 500
CLUSTERS = 50
PERSONAL_MEMBERS = 20
EVENT_KINDS = [e for e in EVENT_TYPES if e.resource_type in ("job", "cluster")]


def seed(rng: random.Random, channels: int) -> tuple[Organization, list[Team], list[Member], "Targets"]:
    org = organization_create(name=f"Bench {new_id()}")
    teams = Team.objects.bulk_create(Team(organization=org, name=f"Team {i:03d}") for i in range(TEAMS))
    users = User.objects.bulk_create(User(email=f"m{i}-{org.pk}@bench.test".lower()) for i in range(PERSONAL_MEMBERS))
    members = Member.objects.bulk_create(Member(organization=org, user=u, email=u.email) for u in users)
    member_role = Role.objects.get(organization=org, key="member")
    MemberRole.objects.bulk_create(MemberRole(member=m, role=member_role) for m in members)
    TeamMember.objects.bulk_create(TeamMember(team=teams[i % TEAMS], member=m) for i, m in enumerate(members))
    make_clusters(rng, org, teams)
    return org, teams, members, make_channels(org, teams, members, channels)


def cluster_id(org: Organization, number: int) -> str:
    return f"C{org.pk}{number:02d}"


def make_clusters(rng: random.Random, org: Organization, teams: list[Team]) -> None:
    """Clusters shared with one to three teams each: infra publishes their events without `teamIds`, so the
    matcher reads the teams a cluster is shared with."""
    conn = Connection.objects.create(organization=org, name="Bench", provider="local")
    network = Network.objects.create(organization=org, connection=conn, name="Bench", region="local")
    provisioned = ProvisionedCluster.objects.bulk_create(
        ProvisionedCluster(organization=org, connection=conn, network=network, name=f"c{i}", region="local")
        for i in range(CLUSTERS)
    )
    Cluster.objects.bulk_create(
        Cluster(
            id=cluster_id(org, i),
            organization=org,
            provisioned_cluster=p,
            connection=conn,
            network=network,
            name=p.name,
            region="local",
        )
        for i, p in enumerate(provisioned)
    )
    ClusterTeam.objects.bulk_create(
        ClusterTeam(cluster=p, team=team) for p in provisioned for team in rng.sample(teams, rng.randint(1, 3))
    )


class Targets:
    """The channels rules may send to: 60% teams', 20% the organization's, 20% members' own."""

    def __init__(self, made: list[Channel]) -> None:
        self.team = {c.team_id: c for c in made if c.team_id}
        self.org = [c for c in made if not c.team_id and not c.member_id]
        self.personal = {c.member_id: c for c in made if c.member_id}


def make_channels(org: Organization, teams: list[Team], members: list[Member], channels: int) -> Targets:
    team_n, org_n = channels * 60 // 100, channels * 20 // 100
    made = Channel.objects.bulk_create(
        Channel(
            organization=org,
            type="webhook",
            name=f"C{i}",
            config={"url": "https://hooks.example.com/x"},
            team=teams[i % TEAMS] if i < team_n else None,
            member=members[i % len(members)] if i >= team_n + org_n else None,
        )
        for i in range(channels)
    )
    return Targets(made)


def make_rules(rng: random.Random, org: Organization, teams: list[Team], targets: Targets, rules: int) -> None:
    """`rules` rules: 5% on the organization, 35% on a team, 50% on one job or cluster, 10% personal rules on
    the member's own resources; one to three event types each."""
    Rule.objects.filter(organization=org).delete()
    with_channels = [t for t in teams if t.pk in targets.team]
    new_rules, channel_links = [], []
    for i in range(rules):
        kind = rng.choice(EVENT_KINDS).resource_type
        types = [e.key for e in EVENT_KINDS if e.resource_type == kind]
        rule = Rule(
            organization=org, name=f"R{i}", resource_type=kind, event_types=rng.sample(types, rng.randint(1, 3))
        )
        share = i % 20
        if share == 0:
            rule.scope_type, target = "organization", rng.choice(targets.org)
        elif share < 8:
            team = rng.choice(with_channels)
            rule.team, rule.scope_type, rule.scope_id, target = team, "team", team.pk, targets.team[team.pk]
        elif share < 18:
            subject = f"JOB{rng.randrange(JOBS):05d}" if kind == "job" else cluster_id(org, rng.randrange(CLUSTERS))
            rule.scope_type, rule.scope_id, target = "resource", subject, rng.choice(targets.org)
        else:
            member_id = rng.choice(list(targets.personal))
            rule.member_id, rule.scope_type, target = member_id, "own_resources", targets.personal[member_id]
        new_rules.append(rule)
        channel_links.append(RuleChannel(rule=rule, channel=target))
    Rule.objects.bulk_create(new_rules)
    RuleChannel.objects.bulk_create(channel_links)
    ruleset.changed(org.pk)  # as the rule services do


def event(rng: random.Random, org: Organization, teams: list[Team], members: list[Member]) -> Event:
    """A run event as workloads publishes it (with the job's teams, sometimes its owner), or a cluster event as
    infra does (without teams)."""
    kind = rng.choice(EVENT_KINDS)
    if kind.resource_type == "job":
        payload = {
            "jobId": f"JOB{rng.randrange(JOBS):05d}",
            "runId": new_id(),
            "status": kind.key.split(".")[1],
            "message": "bench",
            "teamIds": [rng.choice(teams).pk],
        }
        if rng.random() < 0.3:
            payload["ownerId"] = rng.choice(members).user_id
        resource_type, resource_id = "run", payload["runId"]
    else:
        resource_type, resource_id = "cluster", cluster_id(org, rng.randrange(CLUSTERS))
        payload = {"provisionedClusterId": resource_id, "name": "bench", "message": "bench"}
    return Event(new_id(), kind.key, resource_type, resource_id, org.pk, payload, clock.now())


def handle(e: Event) -> None:
    """As `apps.core.events.deliver` runs a subscriber: in its transaction (the enqueue happens at this commit).
    (The bus's own delivery record is not counted.)"""
    with transaction.atomic():
        matching.handle(e)


class Probe:
    """Around `matching.match`: its CPU time, and whether it loaded members' grants (a personal rule matched), so
    the handler is measured whole and these apart."""

    def __init__(self) -> None:
        self.match, self.grants = matching.match, matching.members_grants
        self.cpu, self.loaded_grants = 0.0, False

    def __enter__(self) -> "Probe":
        matching.match, matching.members_grants = self._match, self._grants
        return self

    def __exit__(self, *exc: object) -> None:
        matching.match, matching.members_grants = self.match, self.grants

    def _match(self, e: Event) -> list[matching.Planned]:
        self.loaded_grants, started = False, time.thread_time()
        try:
            return self.match(e)
        finally:
            self.cpu = time.thread_time() - started

    def _grants(self, *args: Any) -> Any:
        self.loaded_grants = True
        return self.grants(*args)


def empty_the_log() -> None:
    """Every run writes to an empty log, as the first did (the benchmark's own database: nothing else is in it).
    TRUNCATE, not DELETE: deleting a row checks the unindexed `redelivery_of` of every other."""
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {connection.ops.quote_name(Notification._meta.db_table)}")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def spread(values: list[float]) -> str:
    return ", ".join(f"p{round(p * 100)} {percentile(values, p):.2f} ms" for p in (0.5, 0.95, 0.99)) if values else "-"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rules", type=int, default=1_000)
    parser.add_argument("--channels", type=int, default=100)
    args = parser.parse_args()
    rng = random.Random(7)
    empty_the_log()
    org, teams, members, targets = seed(rng, args.channels)
    make_rules(rng, org, teams, targets, args.rules)

    for _ in range(200):  # warm-up: caches, statements
        handle(event(rng, org, teams, members))
    made_before = Notification.objects.filter(organization=org).count()
    wall, cpu, matching_cpu, with_grants = [], [], [], []
    with Probe() as probe:
        for _ in range(args.events):
            e = event(rng, org, teams, members)
            started, started_cpu = time.perf_counter(), time.thread_time()
            handle(e)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.thread_time() - started_cpu) * 1000)
            matching_cpu.append(probe.cpu * 1000)
            with_grants.append(probe.loaded_grants)
    made = Notification.objects.filter(organization=org).count() - made_before
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{args.events} events, {args.rules} rules, {args.channels} channels", end="; ")
    print(f"{connection.vendor}, {os.cpu_count()} CPUs")
    print(f"load average during the run: {load}")
    for label, values in (("wall", wall), ("CPU", cpu), ("CPU, matching only", matching_cpu)):
        print(f"per event ({label}): {spread(values)}")
    personal = [t for t, loaded in zip(cpu, with_grants, strict=True) if loaded]
    others = [t for t, loaded in zip(cpu, with_grants, strict=True) if not loaded]
    print(f"  CPU, {len(personal) / len(cpu):.1%} of events a personal rule matched: {spread(personal)}")
    print(f"  CPU, the other events: {spread(others)}")
    print(f"notifications made: {made} ({made / args.events:.1f} per event)")

    print("queries per event (200 events each): rules -> min / median / max")
    for count in (10, 100, args.rules, args.rules * 5):
        make_rules(rng, org, teams, targets, count)
        per_event = []
        for _ in range(200):
            e = event(rng, org, teams, members)
            with transaction.atomic(), CaptureQueriesContext(connection) as queries:
                matching.handle(e)
            per_event.append(len(queries))
        print(f"  {count:>5} rules -> {min(per_event)} / {statistics.median(per_event):.0f} / {max(per_event)}")


if __name__ == "__main__":
    main()
