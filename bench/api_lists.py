"""List endpoints against a bare Django JSON view of the same rows, measured in the same run.

    .venv/bin/python bench/api_lists.py [--members 10000] [--teams 200] [--seconds 8]

Seeds (once) an organization with N members and M teams in PostgreSQL (`BENCH_DATABASE_URL`, default
`postgres://postgres@127.0.0.1:5432/lakesail_bench`), serves the console with gunicorn (2 sync workers), and prints
for each list endpoint, first and deepest page: requests/s, p50, p99, the bare view's requests/s, the ratio,
and the database queries one request makes. Targets: ratio >= 40%, <= 8 queries, deepest page >= 70% of the first.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import harness

BENCH_ORG = "Bench Corp"


def seed(members: int, teams: int) -> tuple[str, str]:
    """The benchmark organization (created once) and a fresh owner token."""
    from django.db import transaction

    from apps.core.crypto import hash_secret
    from apps.identity.models import User
    from apps.identity.services.accounts import organization_bootstrap
    from apps.identity.services.logins import login_create
    from apps.org.models import Member, MemberRole, Organization, Role, Team, TeamMember, TeamMemberRole, TeamRole

    org = Organization.objects.filter(name=BENCH_ORG).first()
    if org is None or org.members.count() < members:
        with transaction.atomic():
            org, _ = organization_bootstrap(name=BENCH_ORG, email="owner@bench.test", password="bench-password-1")
            have = org.members.count()
            password = User.objects.get(email="owner@bench.test").password  # one hash for everyone: seeding speed
            users = User.objects.bulk_create(
                User(
                    email=f"user{i:05d}@bench.test", given_name=f"Given{i:05d}", family_name="Bench", password=password
                )
                for i in range(have, members)
            )
            member_role = Role.objects.get(organization=org, key="member")
            new_members = Member.objects.bulk_create(
                Member(organization=org, user=u, name=f"{u.given_name} Bench", email=u.email) for u in users
            )
            MemberRole.objects.bulk_create(MemberRole(member=m, role=member_role) for m in new_members)
            team_role = TeamRole.objects.get(organization=org, key="team_member")
            existing = Team.objects.filter(organization=org).count()
            new_teams = Team.objects.bulk_create(
                Team(organization=org, name=f"Team {i:04d}") for i in range(existing, teams)
            )
            links = (
                TeamMember.objects.bulk_create(
                    TeamMember(team=new_teams[i % len(new_teams)], member=m) for i, m in enumerate(new_members)
                )
                if new_teams
                else []
            )
            TeamMemberRole.objects.bulk_create(TeamMemberRole(team_member=t, team_role=team_role) for t in links)
    owner = User.objects.get(email="owner@bench.test")
    _login, token = login_create(user=owner)
    assert hash_secret(token)
    return org.pk, token


ENDPOINTS = [
    # (label, API path, bare view, deepest page query)
    ("GET /org/members", "/api/v1/org/members", "members", "page={last}"),
    ("GET /org/teams", "/api/v1/org/teams", "teams", "page={last_team}"),
    ("GET /org/users", "/api/v1/org/users", "users", None),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--teams", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=8)
    args = parser.parse_args()
    harness.setup_django(os.environ.get("BENCH_DATABASE_URL", harness.DEFAULT_DATABASE_URL))
    org_id, token = seed(args.members, args.teams)
    headers = {"Authorization": f"Bearer {token}", "LakeSail-Organization-Id": org_id}
    last = max(1, (args.members + 1) // 100)  # the deepest full page
    last_team = max(1, -(-args.teams // 100))
    print(
        f"{args.members + 1} members, {args.teams} teams; gunicorn 2 sync workers; wrk 4 connections, {args.seconds} s"
    )
    print(harness.HEADER)
    with harness.gunicorn() as base:
        for label, path, bare_name, deep in ENDPOINTS:
            pages = [("first", "")]
            if deep:
                pages.append(("deepest", deep.format(last=last, last_team=last_team)))
            for which, query in pages:
                suffix = f"?limit=100&{query}" if query else "?limit=100"
                queries = harness.queries_per_request(path + suffix, headers)
                load = harness.wrk(base + path + suffix, headers, seconds=args.seconds)
                bare_page = query.split("=", 1)[1] if query else "1"
                bare = harness.wrk(
                    f"{base}/bench/bare/{bare_name}?org={org_id}&limit=100&page={bare_page}", {}, seconds=args.seconds
                )
                print(harness.report_row(f"{label} ({which})", load, bare, queries), flush=True)
                if load.errors or bare.errors:
                    print(f"  non-2xx: {load.errors} api, {bare.errors} bare")


if __name__ == "__main__":
    main()
