"""The job lists read their pages as rows: the bodies are what DRF writes from the models, in as few queries.

The expected bodies are built here the slow, plain way (model instances through the DRF serializers that spell the
wire shape), for jobs that differ in every way a list shows: drafts, older versions made current again, runs, a
Python job, schedules, dependencies, several teams, one of them outside a team-only caller's sight.
"""

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core import clock
from apps.core.principal import Principal
from apps.org.access import visible
from apps.org.api.serializers.entities import TeamSerializer
from apps.org.models import Member, Team
from apps.org.services.teams import team_create
from apps.workloads.api.serializers.entities import JobSerializer, JobVersionSerializer
from apps.workloads.api.serializers.runs import JobRunSerializer
from apps.workloads.models import Job, JobRun, JobTeam
from apps.workloads.selectors.jobs import with_numbers
from apps.workloads.services.job_versions import draft_create, version_activate, version_create
from apps.workloads.services.jobs import job_create, job_update
from apps.workloads.services.runs import run_create
from tests.workloads.conftest import SQL_CONFIG

START = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
PYTHON_CONFIG = {
    "python": {"source": "print(1)", "parameters": ["--day", "1"], "namedParameters": {"MODE": "full"}},
    "compute": {"worker": {"instanceType": "c8g.4xlarge", "maxNodes": 2}},
}


@pytest.fixture
def shown(author, team, cluster, bob, member_of_team) -> dict[str, Any]:
    """Five jobs, created a minute apart; Bob is in `team` only, and one job is also shared with `other`."""
    other = team_create(principal=author, name="Another team")
    member_of_team(bob, team)
    jobs = {}
    with clock.frozen(START) as now:
        for key, fields, teams in [
            ("b-scheduled", {"cronExpression": "30 2 * * *", "cronTimezone": "America/New_York"}, [team]),
            ("a-python", {"config": PYTHON_CONFIG, "timeoutSeconds": 600}, [team, other]),
            ("e-depends", {"dependsOn": [{"jobKey": "b-scheduled"}], "maxConcurrentRuns": 2}, [team]),
            ("d-hidden", {}, [other]),
            ("c-plain", {}, [team]),
        ]:
            now.advance(minutes=1)
            jobs[key] = job_create(
                principal=author,
                job_key=key,
                team_ids=[t.pk for t in teams],
                description=f"The {key} job",
                fields={"clusterId": cluster.pk, "config": SQL_CONFIG, **fields},
            )
        now.advance(minutes=1)
        version_create(principal=author, job=jobs["a-python"], changes={"description": "second"})
        version_activate(principal=author, job=jobs["a-python"], number=1)
        draft_create(principal=author, job=jobs["b-scheduled"], changes={"timeoutSeconds": 60})
        job_update(principal=author, job=jobs["c-plain"], status="paused")
        for key in ("b-scheduled", "b-scheduled", "a-python"):
            now.advance(seconds=10)
            run_create(principal=author, job=jobs[key], hold=True)
    bob_principal = Principal(user=bob, org=author.org, member=Member.objects.get(user=bob, organization=author.org))
    return {"jobs": jobs, "bob": bob_principal}


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value))


def expected(principal: Principal, job_ids: list[str], version: Any = None) -> tuple[list[dict], dict]:
    """The items and `included` of these jobs, in this order, from model instances and DRF's serializers."""
    jobs = with_numbers([Job.objects.select_related("current_version").get(pk=pk) for pk in job_ids])
    if version is not None:
        jobs[0].current_version = version
    runs = {job.pk: JobRun.objects.filter(job=job).order_by("-created_at", "-id").first() for job in jobs}
    links = {
        job.pk: list(JobTeam.objects.filter(job=job).order_by("id").values_list("team_id", flat=True)) for job in jobs
    }
    team_ids = {team_id for ids in links.values() for team_id in ids}
    teams = visible(Team.objects.all(), principal, "CanViewTeams", team_field="id").filter(pk__in=team_ids)
    items = [
        {"jobId": job.pk, "latestJobRunId": runs[job.pk].pk if runs[job.pk] else None, "teamIds": links[job.pk]}
        for job in jobs
    ]
    included = {
        "jobs": JobSerializer(jobs, many=True).data,
        "jobRuns": JobRunSerializer([run for run in runs.values() if run], many=True).data,
        "teams": TeamSerializer(teams.order_by("name", "id"), many=True).data,
    }
    if version is not None:
        included["jobVersions"] = [JobVersionSerializer(version).data]
    return _plain(items), _plain(included)


def _keys(*keys: str, shown: dict[str, Any]) -> list[str]:
    return [shown["jobs"][key].pk for key in keys]


CREATED = ("b-scheduled", "a-python", "e-depends", "d-hidden", "c-plain")


@pytest.mark.parametrize("limit", [2, 100])
def test_workloads_jobs_pages_are_what_the_models_give(api, author, shown, limit):
    ids, seen, marker = _keys(*CREATED, shown=shown), [], ""
    while True:
        body = api.get(f"/workloads/jobs?limit={limit}{marker}").json()
        page = ids[len(seen) : len(seen) + limit]
        assert body["total"] == 5
        assert (body["items"], body["included"]) == expected(author, page)
        seen += page
        if "marker" not in body:
            break
        marker = f"&marker={body['marker']}"
    assert seen == ids


@pytest.mark.parametrize(
    "query, order",
    [
        ("", CREATED),
        ("?sortBy=jobKey&sortDirection=desc", ("e-depends", "d-hidden", "c-plain", "b-scheduled", "a-python")),
        ("?sortBy=jobKey&limit=2&page=2", ("c-plain", "d-hidden")),
    ],
)
def test_my_jobs_pages_are_what_the_models_give(api, author, shown, query, order):
    body = api.get(f"/me/jobs{query}").json()
    assert body["total"] == 5 and "marker" not in body
    assert (body["items"], body["included"]) == expected(author, _keys(*order, shown=shown))


def test_a_team_only_caller_gets_the_same_bodies_for_the_jobs_of_its_team(api_as, acme, bob, team, shown):
    as_bob, bob_principal = api_as(bob, acme), shown["bob"]
    mine = _keys("b-scheduled", "a-python", "e-depends", "c-plain", shown=shown)
    for path in ("/workloads/jobs", "/me/jobs", f"/workloads/teams/{team.pk}/jobs"):
        body = as_bob.get(path).json()
        assert body["total"] == 4, path
        assert (body["items"], body["included"]) == expected(bob_principal, mine), path
        # a-python is shared with a team Bob may not see: its id is listed, the team is not included.
        assert (len(body["items"][1]["teamIds"]), [t["name"] for t in body["included"]["teams"]]) == (2, ["Data"])


def test_a_job_and_a_version_of_it_are_what_the_models_give(api, author, shown):
    job = shown["jobs"]["a-python"]
    described = api.get(f"/workloads/jobs/{job.pk}").json()
    items, included = expected(author, [job.pk])
    assert (described["item"], described["included"]) == (items[0], included)
    version = job.versions.get(number=2)
    at_two = api.get(f"/workloads/jobs/{job.pk}/versions/2").json()
    items, included = expected(author, [job.pk], version=version)
    assert (at_two["item"], at_two["included"]) == (items[0], included)
    assert (at_two["item"]["jobId"], included["jobs"][0]["currentVersion"], included["jobs"][0]["description"]) == (
        job.pk,
        1,
        "The a-python job",
    )


def test_a_cluster_list_and_an_empty_page(api, author, shown, cluster):
    body = api.get(f"/workloads/clusters/{cluster.pk}/jobs?limit=1").json()
    assert (body["total"], "marker" in body) == (5, True)
    assert (body["items"], body["included"]) == expected(author, _keys("b-scheduled", shown=shown))
    empty = api.get("/workloads/jobs?limit=0").json()
    assert empty == {"total": 5, "items": [], "included": {"jobs": [], "jobRuns": [], "teams": []}}


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_a_page_costs_the_same_queries_whatever_its_size(api, api_as, acme, bob, shown, django_assert_max_num_queries):
    """Authentication and grants 3, the total 1 (for an organization-wide viewer of `/workloads/jobs`, a column of
    the page), the page 1 (`/me/jobs`: ids and total, then rows), the page's team links 1 (on PostgreSQL, a column of
    the page), its teams 1, its latest runs 1 (none when no job has run)."""
    as_bob = api_as(bob, acme)
    for client in (api, as_bob):
        for path in ("/workloads/jobs", "/me/jobs"):
            one, many = _queries(client, f"{path}?limit=1"), _queries(client, f"{path}?limit=100")
            assert one == many, path
            with django_assert_max_num_queries(8):
                client.get(f"{path}?limit=100")
