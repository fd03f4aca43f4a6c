"""The dispatcher's decisions (no worker: what it leaves in the database, and what it would enqueue)."""

import datetime as dt
import threading

import pytest
from django.apps import apps as django_apps
from django.db import connection

from apps.core import clock
from apps.core.events import OutboxEvent
from apps.infra.hooks import active_runs
from apps.workloads.models import EXECUTING_RUN_STATUSES, JobRun, JobRunStatus, PendingReason, RunTrigger
from apps.workloads.services.run_dispatch import candidates, decide, dispatch
from apps.workloads.services.run_states import locked_run, move
from apps.workloads.services.runs import new_run, run_cancel, run_create
from tests.workloads.runs.conftest import make_job, serving_cluster

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
S = JobRunStatus


def timeline(run: JobRun) -> list[str]:
    return list(run.status_changes.values_list("status", flat=True))


def finish(run: JobRun, status: str = S.SUCCEEDED) -> None:
    """What a worker does to a started run, status by status."""
    run = locked_run(run.pk)
    for step in (S.CREATING_RUNNER, S.RUNNING, status):
        move(run, step)


@pytest.mark.django_db
def test_a_ready_run_is_started_oldest_first(author, team, runs_cluster):
    job = make_job(author, team, runs_cluster, maxConcurrentRuns=5)
    with clock.frozen(START) as c:
        first = run_create(principal=author, job=job)
        c.advance(seconds=1)
        second = run_create(principal=author, job=job)
        assert [row[0] for row in candidates()] == [first.pk, second.pk]
        c.advance(seconds=1)
        report = dispatch()
    assert report.started == [first.pk, second.pk]
    first.refresh_from_db()
    assert first.status == S.STARTING and first.dispatched_at == START + dt.timedelta(seconds=2)
    assert first.heartbeat_at == first.dispatched_at and first.worker == ""
    assert timeline(first) == [S.PENDING, S.READY, S.STARTING]
    assert candidates() == []
    assert dispatch().started == []


@pytest.mark.django_db
def test_max_concurrent_runs_keeps_the_rest_pending_and_releases_them_when_a_run_ends(author, team, runs_cluster):
    job = make_job(author, team, runs_cluster, maxConcurrentRuns=1, concurrencyPolicy="queue")
    older = run_create(principal=author, job=job)
    newer = run_create(principal=author, job=job)
    assert dispatch().started == [older.pk]
    newer.refresh_from_db()
    assert (newer.status, newer.pending_reason) == (S.PENDING, PendingReason.CONCURRENCY_LIMIT)
    assert newer.pending_detail == {"maxConcurrentRuns": 1}
    changes = newer.status_changes.count()

    dispatch()  # still full: told nothing new
    assert newer.status_changes.count() == changes

    finish(older)
    assert dispatch().started == [newer.pk]
    newer.refresh_from_db()
    assert newer.status == S.STARTING and newer.pending_reason == ""


@pytest.mark.django_db
def test_a_full_cluster_keeps_runs_of_other_jobs_pending_with_cluster_capacity(author, team, runs_cluster, settings):
    settings.CLUSTER_RUN_SLOTS = 2
    runs = [run_create(principal=author, job=make_job(author, team, runs_cluster, key=f"job-{n}")) for n in range(3)]
    assert dispatch().started == [runs[0].pk, runs[1].pk]
    last = JobRun.objects.get(pk=runs[2].pk)
    assert (last.pending_reason, last.pending_detail) == (
        PendingReason.CLUSTER_CAPACITY,
        {"clusterId": runs_cluster.pk, "slots": 2},
    )
    django_apps.get_app_config("workloads").ready()  # registers the counter (another test may have cleared it)
    assert active_runs([runs_cluster.pk]) == {runs_cluster.pk: 2}  # infra's activeJobCount, through the hook

    other = serving_cluster(author, team, name="Other")
    elsewhere = run_create(principal=author, job=make_job(author, team, other, key="elsewhere"))
    assert dispatch().started == [elsewhere.pk]  # another cluster's slots are its own


@pytest.mark.django_db
def test_held_runs_wait_for_a_person_and_backoff_for_its_time(author, team, runs_cluster):
    job = make_job(author, team, runs_cluster, maxConcurrentRuns=5)
    held = run_create(principal=author, job=job, hold=True)
    with clock.frozen(START) as c:
        backing_off = new_run(job=job, version=job.current_version, trigger=RunTrigger.RETRY)
        JobRun.objects.filter(pk=backing_off.pk).update(
            status=S.PENDING, pending_reason=PendingReason.RETRY_BACKOFF, not_before=START + dt.timedelta(seconds=30)
        )
        assert dispatch().started == []
        c.advance(seconds=31)
        assert dispatch().started == [backing_off.pk]
    held.refresh_from_db()
    assert (held.status, held.pending_reason) == (S.PENDING, PendingReason.HELD)


@pytest.mark.django_db
def test_an_inactive_cluster_parks_the_run_until_it_serves_again(author, team, runs_cluster):
    from apps.infra.models import ProvisionedCluster

    job = make_job(author, team, runs_cluster)
    served = ProvisionedCluster.objects.filter(pk=runs_cluster.provisioned_cluster_id)
    served.update(status="updating")
    run = run_create(principal=author, job=job)
    assert run.pending_reason == PendingReason.CLUSTER_UNAVAILABLE
    assert dispatch().started == []
    served.update(status="active")
    assert dispatch().started == [run.pk]


@pytest.mark.django_db
def test_a_downstream_slot_waits_for_its_upstream_and_is_skipped_when_it_fails(author, team, runs_cluster):
    upstream = make_job(author, team, runs_cluster, key="extract", maxConcurrentRuns=5)
    downstream = make_job(author, team, runs_cluster, key="report", dependsOn=[{"jobKey": "extract"}])
    slots = [START, START + dt.timedelta(hours=1)]
    with clock.frozen(START + dt.timedelta(hours=2)):
        ups = [
            new_run(job=upstream, version=upstream.current_version, trigger="schedule", scheduled_for=s) for s in slots
        ]
        downs = [
            new_run(job=downstream, version=downstream.current_version, trigger="schedule", scheduled_for=s)
            for s in slots
        ]
    assert {d.pending_reason for d in downs} == {PendingReason.WAITING_FOR_DEPENDENCY}
    assert downs[0].pending_detail == {"jobKey": "extract", "jobId": upstream.pk, "runId": ups[0].pk}

    assert dispatch().started == [ups[0].pk, ups[1].pk]
    finish(ups[0])
    finish(ups[1], S.FAILED)
    assert dispatch().started == [downs[0].pk]
    skipped = JobRun.objects.get(pk=downs[1].pk)
    assert skipped.status == S.CANCELLED
    assert skipped.status_message == f"Skipped: upstream job extract ended failed (run {ups[1].pk})."


@pytest.mark.django_db
def test_cancelling_a_run_no_worker_took_yet_ends_it_at_once(author, team, runs_cluster):
    from apps.workloads.services.run_execution import execute

    run = run_create(principal=author, job=make_job(author, team, runs_cluster))
    dispatch()
    run_cancel(principal=author, run=run)
    run.refresh_from_db()
    assert (run.status, run.status_message) == (S.CANCELLED, "Cancelled by a user.")
    assert execute(run_id=run.pk, attempt=run.attempt) is None  # the task that was already sent does nothing
    assert OutboxEvent.objects.filter(event_type="run.cancelled", resource_id=run.pk).count() == 1


def racing(barrier: threading.Barrier, work, errors: list[BaseException]) -> None:
    try:
        barrier.wait()
        work()
    except BaseException as exc:  # reported by the test: a thread's failure must fail it
        errors.append(exc)
    finally:
        connection.close()


def race(*works) -> None:
    barrier, errors = threading.Barrier(len(works)), []
    threads = [threading.Thread(target=racing, args=(barrier, work, errors)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_dispatchers_deciding_runs_of_different_jobs_at_once_share_the_last_cluster_slot(author, team, settings):
    """Four dispatchers each decide a run of another job at the same instant; the cluster has one slot left."""
    settings.CLUSTER_RUN_SLOTS = 3
    cluster = serving_cluster(author, team)
    busy = [run_create(principal=author, job=make_job(author, team, cluster, key=f"busy-{n}")) for n in range(2)]
    assert dispatch().started == [run.pk for run in busy]
    runs = [run_create(principal=author, job=make_job(author, team, cluster, key=f"job-{n}")) for n in range(4)]
    outcomes: list[str | None] = []
    race(*(lambda run=run: outcomes.append(decide(run.pk, run.job_id)) for run in runs))
    assert sorted(outcomes, key=str) == [PendingReason.CLUSTER_CAPACITY] * 3 + [S.STARTING]
    assert JobRun.objects.filter(status__in=EXECUTING_RUN_STATUSES, cluster=cluster).count() == 3


@pytest.mark.django_db(transaction=True)
def test_dispatchers_deciding_runs_of_one_job_at_once_respect_max_concurrent_runs(author, team):
    job = make_job(author, team, serving_cluster(author, team), maxConcurrentRuns=2, concurrencyPolicy="queue")
    runs = [run_create(principal=author, job=job) for _ in range(5)]
    outcomes: list[str | None] = []
    race(*(lambda run=run: outcomes.append(decide(run.pk, run.job_id)) for run in runs))
    assert sorted(outcomes, key=str) == [PendingReason.CONCURRENCY_LIMIT] * 3 + [S.STARTING] * 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_dispatch_passes_start_each_run_once(author, team, settings):
    settings.CLUSTER_RUN_SLOTS = 3
    cluster = serving_cluster(author, team)
    jobs = [make_job(author, team, cluster, key=f"job-{n}", maxConcurrentRuns=2) for n in range(3)]
    for _ in range(4):
        for job in jobs:
            run_create(principal=author, job=job)
    started: list[str] = []
    race(*(lambda: started.extend(dispatch().started) for _ in range(4)))
    assert len(started) == len(set(started)) == 3
    assert JobRun.objects.filter(status=S.STARTING).count() == 3
