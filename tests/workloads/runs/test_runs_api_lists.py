"""Run lists (`/workloads/jobs/{job}/runs`, `/me/jobs/runs`): newest first, filters, marker pages, visibility, query
budgets; and the jobs lists' `latestJobRunId` / `included.jobRuns`."""

import datetime as dt

import pytest

from apps.workloads.models import JobRun, JobRunStatus
from apps.workloads.services.jobs import job_team_remove, job_teams_add
from apps.workloads.services.run_states import locked_run, move
from apps.workloads.services.runs import new_run, run_create
from tests.workloads.runs.conftest import make_job

S = JobRunStatus
T0 = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)


@pytest.fixture
def job(author, team, runs_cluster):
    return make_job(author, team, runs_cluster, maxConcurrentRuns=5)


def created(run: JobRun, at: dt.datetime) -> JobRun:
    """Pin a run's creation time (`created_at` is the database's `auto_now_add`)."""
    JobRun.objects.filter(pk=run.pk).update(created_at=at)
    run.created_at = at
    return run


def series(author, job, count: int, *, start: dt.datetime = T0) -> list[JobRun]:
    """`count` held runs, one an hour from `start`: oldest first."""
    return [
        created(run_create(principal=author, job=job, hold=True), start + dt.timedelta(hours=i)) for i in range(count)
    ]


def ids(response) -> list[str]:
    return [item["id"] for item in response.json()["items"]]


def test_a_jobs_runs_are_listed_newest_first_in_marker_pages(api, author, job):
    runs = series(author, job, 5)
    newest_first = [run.pk for run in reversed(runs)]
    first = api.get(f"/workloads/jobs/{job.pk}/runs?limit=2")
    body = first.json()
    assert (body["total"], ids(first)) == (5, newest_first[:2])
    second = api.get(f"/workloads/jobs/{job.pk}/runs?limit=2&marker={body['marker']}")
    third = api.get(f"/workloads/jobs/{job.pk}/runs?limit=2&marker={second.json()['marker']}")
    assert ids(second) + ids(third) == newest_first[2:]
    assert "marker" not in third.json()
    assert api.get(f"/workloads/jobs/{job.pk}/runs?marker=nonsense").status_code == 400


def test_runs_with_one_creation_time_page_by_id(api, author, job):
    runs = [created(run_create(principal=author, job=job, hold=True), T0) for _ in range(4)]
    seen, marker = [], ""
    while True:
        body = api.get(f"/workloads/jobs/{job.pk}/runs?limit=3{marker}").json()
        seen += [item["id"] for item in body["items"]]
        if "marker" not in body:
            break
        marker = f"&marker={body['marker']}"
    assert seen == sorted((run.pk for run in runs), reverse=True)


def test_filters_narrow_the_list_and_the_total(api, author, job):
    runs = series(author, job, 4)
    with_version = run_create(principal=author, job=job, hold=True)
    JobRun.objects.filter(pk=with_version.pk).update(version_number=7, created_at=T0 - dt.timedelta(days=1))
    cancelled = locked_run(runs[0].pk)
    move(cancelled, S.CANCELLED)
    new_run(job=job, version=job.current_version, trigger="backfill", scheduled_for=T0, hold=True)
    url = f"/workloads/jobs/{job.pk}/runs"

    def listed(query: str) -> tuple[int, set[str]]:
        body = api.get(f"{url}?{query}").json()
        return body["total"], {item["id"] for item in body["items"]}

    assert listed("status=cancelled") == (1, {runs[0].pk})
    assert listed("status=cancelled,pending")[0] == 6
    assert listed("trigger=backfill")[0] == 1
    assert listed("trigger=manual,retry")[0] == 5
    after, before = (T0 + dt.timedelta(hours=1)).isoformat(), (T0 + dt.timedelta(hours=3)).isoformat()
    assert listed(f"createdAfter={after.replace('+00:00', 'Z')}&createdBefore={before}".replace("+", "%2B")) == (
        2,
        {runs[1].pk, runs[2].pk},
    )
    assert listed("jobVersion=7") == (1, {with_version.pk})
    response = api.get(f"{url}?status=lost,pending&trigger=cron&createdAfter=yesterday&jobVersion=x")
    assert response.status_code == 400
    assert set(response.json()["details"]["fieldErrors"]) == {"status", "trigger", "createdAfter", "jobVersion"}


def test_my_runs_are_the_runs_of_the_jobs_i_may_see(
    api, api_as, acme, bob, author, team, runs_cluster, job, member_of_team
):
    from apps.org.services.teams import team_create

    mine = series(author, job, 2)
    elsewhere = team_create(principal=author, name="Elsewhere")
    other = make_job(author, team, runs_cluster, key="other")
    job_teams_add(principal=author, job=other, team_ids=[elsewhere.pk])
    job_team_remove(principal=author, job=other, team_id=team.pk)
    theirs = series(author, other, 2, start=T0 + dt.timedelta(days=1))
    everything = [run.pk for run in reversed(mine + theirs)]
    assert ids(api.get("/me/jobs/runs")) == everything  # the owner sees every job
    member_of_team(bob, team)
    as_bob = api_as(bob, acme)
    body = as_bob.get("/me/jobs/runs").json()
    assert (body["total"], [item["id"] for item in body["items"]]) == (2, [run.pk for run in reversed(mine)])
    assert as_bob.get("/me/jobs/runs?limit=1").json()["total"] == 2
    assert as_bob.get(f"/workloads/jobs/{other.pk}/runs").status_code == 404


def test_a_member_of_no_team_sees_no_runs(api_as, acme, bob, author, job):
    series(author, job, 2)
    assert api_as(bob, acme).get("/me/jobs/runs").json() == {"total": 0, "items": []}


@pytest.mark.parametrize("path", ["/me/jobs/runs", "/workloads/jobs/{job}/runs"])
def test_a_list_costs_the_same_queries_for_3_runs_as_for_60(api, author, job, path, django_assert_max_num_queries):
    url = path.format(job=job.pk)
    series(author, job, 3)
    with django_assert_max_num_queries(8) as few:
        assert len(api.get(url).json()["items"]) == 3
    series(author, job, 57, start=T0 + dt.timedelta(days=1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get(f"{url}?status=pending&trigger=manual").json()["items"]) == 60


def test_jobs_name_their_latest_run_and_include_it(api, author, team, runs_cluster, job, django_assert_max_num_queries):
    _older, newer = series(author, job, 2)
    idle = make_job(author, team, runs_cluster, key="idle")
    body = api.get("/workloads/jobs").json()
    latest = {item["jobId"]: item["latestJobRunId"] for item in body["items"]}
    assert latest == {job.pk: newer.pk, idle.pk: None}
    assert [run["id"] for run in body["included"]["jobRuns"]] == [newer.pk]
    assert body["included"]["jobRuns"][0]["jobId"] == job.pk
    described = api.get(f"/workloads/jobs/{job.pk}").json()
    assert described["item"]["latestJobRunId"] == newer.pk
    with django_assert_max_num_queries(12) as few:
        api.get("/workloads/jobs")
    for i in range(5):
        series(author, make_job(author, team, runs_cluster, key=f"more-{i}"), 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get("/workloads/jobs").json()["included"]["jobRuns"]) == 6
