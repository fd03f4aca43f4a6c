"""The notification matcher under load: events through many rules to many channels.

    .venv/bin/python bench/notifications_match.py [--events 10000] [--rules 1000] [--channels 100]

Seeds a fresh SQLite database in a temporary directory (one organization, 100 teams, members, channels and
rules), then gives each event to the matcher inside its own transaction, as the event bus does: matching
(`matching.match`), then the notifications written and the fan-out task enqueued on commit (`matching.write`;
to Celery's in-memory broker: the enqueue's serialization and publish, not a network round trip). Prints the
time per event (p50, p95, p99: wall clock, this thread's CPU time, which a shared machine's load does not
inflate, and the CPU time of matching alone) and the notifications made, then the queries per event for
several rule counts, which must not grow with the number of rules. Target: p95 <= 5 ms.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("LAKESAIL_VAR_DIR", tempfile.mkdtemp(prefix="lakesail-bench-notifications-"))
os.environ["CELERY_BROKER_URL"] = "memory://"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lakesail_console.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from apps.core import clock  # noqa: E402
from apps.core.events import Event  # noqa: E402
from apps.core.ids import new_id  # noqa: E402
from apps.identity.models import User  # noqa: E402
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
    return org, teams, members, make_channels(org, teams, members, channels)


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
            subject = f"JOB{rng.randrange(JOBS):05d}" if kind == "job" else f"CLU{rng.randrange(CLUSTERS):05d}"
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
    kind = rng.choice(EVENT_KINDS)
    payload = {"teamIds": [rng.choice(teams).pk], "message": "bench"}
    if kind.resource_type == "job":
        payload.update(jobId=f"JOB{rng.randrange(JOBS):05d}", runId=new_id(), status=kind.key.split(".")[1])
        if rng.random() < 0.3:
            payload["ownerId"] = rng.choice(members).user_id
        resource_type, resource_id = "run", payload["runId"]
    else:
        resource_type, resource_id = "cluster", f"CLU{rng.randrange(CLUSTERS):05d}"
    return Event(new_id(), kind.key, resource_type, resource_id, org.pk, payload, clock.now())


def handle(e: Event) -> None:
    with transaction.atomic():  # as the event bus runs a subscriber; the enqueue happens at this commit
        matching.handle(e)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rules", type=int, default=1_000)
    parser.add_argument("--channels", type=int, default=100)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    rng = random.Random(7)
    org, teams, members, targets = seed(rng, args.channels)
    make_rules(rng, org, teams, targets, args.rules)

    for _ in range(200):  # warm-up: caches, statements
        handle(event(rng, org, teams, members))
    Notification.objects.all().delete()
    wall, cpu, matching_cpu = [], [], []
    for _ in range(args.events):
        e = event(rng, org, teams, members)
        started, started_cpu = time.perf_counter(), time.thread_time()
        with transaction.atomic():
            made = matching.match(e)
            matched_cpu = time.thread_time()
            matching.write(e, made)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        matching_cpu.append((matched_cpu - started_cpu) * 1000)
    made = Notification.objects.filter(organization=org).count()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{args.events} events, {args.rules} rules, {args.channels} channels", end="; ")
    print(f"{connection.vendor}, {os.cpu_count()} CPUs")
    print(f"load average during the run: {load}")
    for label, values in (("wall", wall), ("CPU", cpu), ("CPU, matching only", matching_cpu)):
        p50, p95, p99 = (percentile(values, p) for p in (0.5, 0.95, 0.99))
        print(f"per event ({label}): p50 {p50:.2f} ms, p95 {p95:.2f} ms, p99 {p99:.2f} ms")
    print(f"notifications made: {made} ({made / args.events:.1f} per event)")

    print("queries per event (200 events each): rules -> min / median / max")
    for count in (10, 100, args.rules, args.rules * 5):
        make_rules(rng, org, teams, targets, count)
        per_event = []
        for _ in range(200):
            with CaptureQueriesContext(connection) as queries:
                handle(event(rng, org, teams, members))
            per_event.append(len(queries))
        print(f"  {count:>5} rules -> {min(per_event)} / {statistics.median(per_event):.0f} / {max(per_event)}")


if __name__ == "__main__":
    main()
