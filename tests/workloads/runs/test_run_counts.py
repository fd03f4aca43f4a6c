"""Run counters (`JobRunCount`, kept by triggers on the run table): equal to `COUNT(*)` after every way runs come
and go, and the unfiltered lists' `total` read from them instead of counting the runs."""

import pytest
from django.db import transaction
from django.db.models import Sum

from apps.workloads.models import JobRun, JobRunCount, JobRunStatus
from apps.workloads.services.jobs import job_delete
from apps.workloads.services.run_states import locked_run, move
from apps.workloads.services.runs import new_run, run_create, run_delete
from tests.workloads.runs.conftest import make_job


@pytest.fixture
def jobs(author, team, runs_cluster):
    return [make_job(author, team, runs_cluster, key=key, maxConcurrentRuns=5) for key in ("first", "second")]


def counted() -> dict[str, int]:
    return dict(JobRunCount.objects.filter(runs__gt=0).values_list("job_id", "runs"))


def actual() -> dict[str, int]:
    runs: dict[str, int] = {}
    for job_id in JobRun.objects.values_list("job_id", flat=True):
        runs[job_id] = runs.get(job_id, 0) + 1
    return runs


def ended(author, job) -> JobRun:
    run = run_create(principal=author, job=job, hold=True)
    move(locked_run(run.pk), JobRunStatus.CANCELLED)
    return run


def test_runs_created_and_deleted_by_the_services_are_counted(author, jobs):
    first, second = jobs
    runs = [ended(author, first) for _ in range(3)]
    new_run(job=second, version=second.current_version, trigger="schedule", scheduled_for=runs[0].created_at)
    assert counted() == actual() == {first.pk: 3, second.pk: 1}
    run_delete(principal=author, run=runs[0])
    assert counted() == actual() == {first.pk: 2, second.pk: 1}
    assert JobRunCount.objects.get(job=first).organization_id == first.organization_id


def test_a_slot_that_already_has_its_run_counts_once(author, jobs):
    job = jobs[0]
    slot = ended(author, job).created_at
    assert new_run(job=job, version=job.current_version, trigger="schedule", scheduled_for=slot) is not None
    assert new_run(job=job, version=job.current_version, trigger="schedule", scheduled_for=slot) is None
    assert counted() == actual() == {job.pk: 2}


def test_a_deleted_job_takes_its_count_along(author, jobs):
    first, second = jobs
    for job in jobs:
        ended(author, job)
        ended(author, job)
    job_delete(principal=author, job=first)
    assert not JobRunCount.objects.filter(job_id=first.pk).exists()
    assert counted() == actual() == {second.pk: 2}


def test_bulk_writes_outside_the_services_are_counted(author, jobs):
    """The admin's and the ORM's bulk deletes, and bulk inserts, go past the services: the database counts them."""
    first, second = jobs
    template = ended(author, first)
    JobRun.objects.bulk_create(
        JobRun(
            organization_id=job.organization_id,
            job=job,
            version_id=job.current_version_id,
            version_number=1,
            status=JobRunStatus.SUCCEEDED,
        )
        for job in (first, second, second, second)
    )
    assert counted() == actual() == {first.pk: 2, second.pk: 3}
    JobRun.objects.filter(pk__in=list(JobRun.objects.filter(job=second).values_list("pk", flat=True)[:2])).delete()
    JobRun.objects.filter(pk=template.pk).delete()
    assert counted() == actual() == {first.pk: 1, second.pk: 1}


def test_a_rolled_back_transaction_leaves_the_counts_as_they_were(author, jobs):
    job = jobs[0]
    ended(author, job)
    with pytest.raises(RuntimeError), transaction.atomic():
        run_create(principal=author, job=job, hold=True)
        assert counted() == {job.pk: 2}
        raise RuntimeError("changed my mind")
    assert counted() == actual() == {job.pk: 1}


def run_counts(captured) -> list[str]:
    return [q["sql"] for q in captured if "COUNT(" in q["sql"].upper() and 'workloads_jobrun"' in q["sql"]]


def test_unfiltered_totals_come_from_the_counters(
    api, api_as, acme, bob, author, team, jobs, member_of_team, django_assert_max_num_queries
):
    from apps.org.services.teams import team_create
    from apps.workloads.services.jobs import job_team_remove, job_teams_add

    first, second = jobs
    for _ in range(3):
        ended(author, first)
    ended(author, second)
    elsewhere = team_create(principal=author, name="Elsewhere")
    job_teams_add(principal=author, job=second, team_ids=[elsewhere.pk])
    job_team_remove(principal=author, job=second, team_id=team.pk)
    member_of_team(bob, team)
    cases = [
        (api, f"/workloads/jobs/{first.pk}/runs", 3),
        (api, "/me/jobs/runs", 4),
        (api_as(bob, acme), "/me/jobs/runs", 3),
    ]
    for client, url, total in cases:
        with django_assert_max_num_queries(8) as queries:
            assert client.get(f"{url}?limit=1").json()["total"] == total
        assert run_counts(queries.captured_queries) == [], url
    # A filter counts the runs it keeps (through the filter's index).
    assert api.get(f"/workloads/jobs/{first.pk}/runs?status=cancelled&limit=1").json()["total"] == 3
    assert api.get("/me/jobs/runs?status=pending").json()["total"] == 0
    assert JobRunCount.objects.aggregate(runs=Sum("runs"))["runs"] == JobRun.objects.count() == 4


def test_list_items_are_the_runs_as_their_serializer_spells_them(api, author, jobs):
    """A page reads named rows of the listed columns, not model instances: the JSON must stay the run's own."""
    from apps.workloads.api.serializers.runs import JobRunSerializer

    first, second = jobs
    ended(author, first)
    run_create(principal=author, job=second, hold=True, parameters=["a"], named_parameters={"k": "v"})
    new_run(job=first, version=first.current_version, trigger="backfill", scheduled_for=ended(author, first).created_at)
    expected = [JobRunSerializer(run).data for run in JobRun.objects.order_by("-created_at", "-id")]
    assert api.get("/me/jobs/runs").json()["items"] == expected
    mine = [item for item in expected if item["jobId"] == first.pk]
    assert api.get(f"/workloads/jobs/{first.pk}/runs").json()["items"] == mine
