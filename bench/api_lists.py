"""List endpoints against a bare Django JSON view of the same rows, measured in the same run.

    .venv/bin/python bench/api_lists.py [--members 10000] [--teams 200] [--seconds 8] [--rounds 3]

Seeds (once) an organization with N members and M teams in PostgreSQL (`BENCH_DATABASE_URL`, default
`postgres://postgres@127.0.0.1:5432/lakesail_bench`), serves the console with gunicorn (2 sync workers), and prints
for each list endpoint (and the console's member page), first and deepest full page: requests/s, p50, p99, the bare
view's requests/s, the ratio, and the database queries one request makes: medians of `--rounds` rounds, each row
measured once per round right before its bare view (`harness.paired_rounds`). Targets: ratio >= 40%, <= 8 queries,
deepest page >= 70% of the first. The members list sends far more than its rows (users, addresses, links, roles,
teams): it is also compared with a bare view reading all of that (`bench/bare.py: members_payload`).
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
    from django.db import connection, transaction

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
    with connection.cursor() as cursor:
        # As autovacuum would after a bulk load: the planner sees 10,000 members, not 0, and the visibility map lets
        # index-only scans skip the table.
        cursor.execute("VACUUM ANALYZE")
    owner = User.objects.get(email="owner@bench.test")
    _login, token = login_create(user=owner)
    assert hash_secret(token)
    return org.pk, token


def console_cookie(email: str) -> str:
    """A console session of `email` (tied to a Login, as the sign-in page makes it), as a Cookie header."""
    from django.conf import settings
    from django.test import Client

    from apps.identity.models import User
    from apps.identity.services.logins import login_create
    from apps.identity.sessions import SESSION_LOGIN_KEY

    user = User.objects.get(email=email)
    client = Client()
    client.force_login(user, backend="apps.identity.backends.EmailBackend")
    login, _token = login_create(user=user)
    session = client.session
    session[SESSION_LOGIN_KEY] = login.pk
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


ENDPOINTS = [
    # (label, path, bare view of the same rows, page size, measure the deepest page too, a console page, and a bare
    # view of every row the page sends, where that is more than the listed rows)
    ("GET /org/members", "/api/v1/org/members", "members", 100, True, False, "members_payload"),
    ("GET /org/teams", "/api/v1/org/teams", "teams", 100, True, False, None),
    ("GET /org/users", "/api/v1/org/users", "users", 100, False, False, None),  # marker pages: no page numbers
    ("console /org/members/", "/org/members/", "members", 25, True, True, None),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--teams", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    harness.setup_django(os.environ.get("BENCH_DATABASE_URL", harness.DEFAULT_DATABASE_URL))
    org_id, token = seed(args.members, args.teams)
    api_headers = {"Authorization": f"Bearer {token}", "LakeSail-Organization-Id": org_id}
    console_headers = {"Cookie": console_cookie("owner@bench.test")}
    rows = {"members": args.members, "teams": args.teams, "users": args.members}  # the owner is one of the members
    print(
        f"{args.members} members, {args.teams} teams; gunicorn 2 sync workers; wrk 4 connections, {args.seconds} s;"
        f" median of {args.rounds} rounds"
    )
    with harness.gunicorn() as base:
        rows_measured = []
        for label, path, bare_name, size, deep, console, payload in ENDPOINTS:
            headers = console_headers if console else api_headers
            pages = [("first", "1")]
            if deep:
                pages.append(("deepest", str(rows[bare_name] // size)))  # the deepest full page
            for which, number in pages:
                suffix = (
                    f"?page={number}" if console else f"?limit={size}" + (f"&page={number}" if number != "1" else "")
                )
                bares = [
                    f"{base}/bench/bare/{name}?org={org_id}&limit={size}&page={number}"
                    for name in (bare_name, payload)
                    if name
                ]
                queries = harness.queries_per_request(path + suffix, headers)
                rows_measured.append((label, which, base + path + suffix, headers, bares, queries))
        medians = harness.paired_rounds(
            [(url, headers, bares) for _label, _which, url, headers, bares, _q in rows_measured],
            rounds=args.rounds,
            seconds=args.seconds,
        )
    print(harness.HEADER)
    first = None
    for (label, which, _url, _headers, _bares, queries), (load, bare, *whole) in zip(
        rows_measured, medians, strict=True
    ):
        print(harness.report_row(f"{label} ({which})", load, bare, queries))
        if whole:
            print(harness.report_row("  against a bare view of all it sends", load, whole[0], queries))
        if which == "first":
            first = load
        else:  # the deepest page, right after its list's first
            print(f"  deepest / first: {load.requests_per_second / first.requests_per_second:.0%}")


if __name__ == "__main__":
    main()
