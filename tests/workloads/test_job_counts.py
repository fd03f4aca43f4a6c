"""Job counters (`JobCount`, kept by triggers on the job table): equal to `COUNT(*)` after every way jobs come and
go, and the unfiltered job lists' `total` read from them instead of counting the jobs."""

import pytest
from django.db import transaction

from apps.org.models import Organization
from apps.workloads.models import Job, JobCount
from apps.workloads.services.jobs import job_delete
from tests.workloads.runs.conftest import make_job


def counted() -> dict[str, int]:
    return dict(JobCount.objects.filter(jobs__gt=0).values_list("organization_id", "jobs"))


def actual() -> dict[str, int]:
    jobs: dict[str, int] = {}
    for organization_id in Job.objects.values_list("organization_id", flat=True):
        jobs[organization_id] = jobs.get(organization_id, 0) + 1
    return jobs


def test_jobs_created_and_deleted_by_the_services_are_counted(author, acme, team, cluster):
    jobs = [make_job(author, team, cluster, key=f"job-{i}") for i in range(3)]
    assert counted() == actual() == {acme.pk: 3}
    job_delete(principal=author, job=jobs[0])
    assert counted() == actual() == {acme.pk: 2}


def test_bulk_writes_moves_and_cascades_outside_the_services_are_counted(author, acme, globex, team, cluster):
    template = make_job(author, team, cluster, key="template")
    copies = [Job(organization=acme, job_key=f"copy-{i}", member_id=template.member_id) for i in range(3)]
    Job.objects.bulk_create(copies)
    assert counted() == actual() == {acme.pk: 4}
    Job.objects.filter(pk__in=[copies[0].pk, copies[1].pk]).delete()
    Job.objects.filter(pk=copies[2].pk).update(organization=globex)  # no service moves a job; the admin could
    assert counted() == actual() == {acme.pk: 1, globex.pk: 1}
    Organization.objects.filter(pk=globex.pk).delete()  # the organization's cascade takes its jobs and its counter
    assert counted() == actual() == {acme.pk: 1}
    assert not JobCount.objects.filter(organization_id=globex.pk).exists()


def test_a_rolled_back_transaction_leaves_the_counts_as_they_were(author, acme, team, cluster):
    make_job(author, team, cluster, key="kept")
    with pytest.raises(RuntimeError), transaction.atomic():
        make_job(author, team, cluster, key="undone")
        assert counted() == {acme.pk: 2}
        raise RuntimeError("changed my mind")
    assert counted() == actual() == {acme.pk: 1}


def job_counts(captured) -> list[str]:
    return [q["sql"] for q in captured if "COUNT(" in q["sql"].upper() and 'FROM "workloads_job"' in q["sql"]]


def test_unfiltered_totals_of_an_organization_wide_caller_come_from_the_counter(
    api, api_as, acme, bob, author, team, cluster, member_of_team, django_assert_max_num_queries
):
    from apps.org.services.teams import team_create

    elsewhere = team_create(principal=author, name="Elsewhere")
    for i in range(3):
        make_job(author, team, cluster, key=f"ours-{i}")
    make_job(author, elsewhere, cluster, key="theirs")
    member_of_team(bob, team)
    for path in ("/workloads/jobs?limit=1", "/me/jobs?limit=1"):
        with django_assert_max_num_queries(8) as queries:
            assert api.get(path).json()["total"] == 4
        assert job_counts(queries.captured_queries) == [], path
    # A caller who sees only their team's jobs gets them counted.
    as_bob = api_as(bob, acme)
    assert as_bob.get("/workloads/jobs?limit=1").json()["total"] == 3
    assert as_bob.get("/me/jobs?limit=1").json()["total"] == 3
    # A filter (the team's list) counts what it keeps.
    assert api.get(f"/workloads/teams/{elsewhere.pk}/jobs").json()["total"] == 1
