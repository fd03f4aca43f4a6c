"""The scheduler: due cron slots become runs, once per (job, slot), by the schedule preview's function."""

import datetime as dt
import threading

import pytest
from django.db import connection

from apps.core import clock
from apps.workloads.models import Job, JobRun, JobRunStatus, PendingReason, RunTrigger
from apps.workloads.schedule import fire_times
from apps.workloads.scheduler import tick
from apps.workloads.services.job_versions import version_create
from apps.workloads.services.jobs import job_create, job_update
from apps.workloads.services.run_states import locked_run, move
from tests.workloads.conftest import SQL_CONFIG, usable_cluster

START = dt.datetime(2026, 3, 2, 9, 0, 30, tzinfo=dt.UTC)


def scheduled_job(author, team, *, cron="* * * * *", key="every-minute", **fields):
    cluster = usable_cluster(author, team, name=f"cluster-{key}")
    # Where its Sail server would answer: the cluster counts as available (nothing connects in these tests).
    cluster.provisioned_cluster.iac_outputs = {"sparkConnectUrl": "sc://127.0.0.1:9"}
    cluster.provisioned_cluster.save(update_fields=["iac_outputs"])
    return job_create(
        principal=author,
        job_key=key,
        team_ids=[team.pk],
        # Runs here never execute (no worker): queue them, so earlier ones do not stop later slots.
        fields={
            "clusterId": cluster.pk,
            "config": SQL_CONFIG,
            "cronExpression": cron,
            "concurrencyPolicy": "queue",
            "maxConcurrentRuns": 10,
            **fields,
        },
    )


def runs_of(job) -> list[JobRun]:
    return list(JobRun.objects.filter(job=job).order_by("scheduled_for"))


@pytest.mark.django_db
def test_each_due_slot_gets_one_run_and_the_next_slot_is_kept(author, team):
    with clock.frozen(START) as c:
        job = scheduled_job(author, team)
        assert job.next_run_at == dt.datetime(2026, 3, 2, 9, 1, tzinfo=dt.UTC)
        assert tick().created == []  # nothing due yet
        for _ in range(3):
            c.advance(minutes=1)
            tick()
            tick()  # a second tick in the same minute finds nothing new
    runs = runs_of(job)
    assert [r.scheduled_for.strftime("%H:%M") for r in runs] == ["09:01", "09:02", "09:03"]
    assert {r.trigger for r in runs} == {RunTrigger.SCHEDULE}
    assert all(r.version_number == 1 for r in runs)
    job.refresh_from_db()
    assert job.last_scheduled_at == dt.datetime(2026, 3, 2, 9, 3, tzinfo=dt.UTC)
    assert job.next_run_at == dt.datetime(2026, 3, 2, 9, 4, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_the_scheduler_fires_what_the_preview_shows_across_a_dst_change(author, team):
    """Daily 02:30 in New York: the preview's fire times are exactly the scheduled runs' slots (one function)."""
    start = dt.datetime(2026, 3, 6, 12, 0, tzinfo=dt.UTC)
    with clock.frozen(start) as c:
        job = scheduled_job(
            author, team, cron="30 2 * * *", key="nightly", cronTimezone="America/New_York", missedSchedulePolicy="all"
        )
        preview = [f.utc for f in fire_times("30 2 * * *", "America/New_York", after=start, count=4).fire_times]
        for _ in range(4 * 24):
            c.advance(hours=1)
            tick()
    assert [r.scheduled_for for r in runs_of(job)] == preview
    assert preview[1] == dt.datetime(2026, 3, 8, 7, 0, tzinfo=dt.UTC)  # 02:30 does not exist: 03:00 EDT


@pytest.mark.django_db
def test_paused_jobs_are_not_fired_and_resume_from_now(author, team):
    with clock.frozen(START) as c:
        job = scheduled_job(author, team)
        job_update(principal=author, job=job, status="paused")
        c.advance(minutes=10)
        assert tick().created == []
        job_update(principal=author, job=Job.objects.get(pk=job.pk), status="active")
        c.advance(minutes=1)
        tick()
    assert [r.scheduled_for.strftime("%H:%M") for r in runs_of(job)] == ["09:11"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("policy", "expected"),
    [("latest", ["10:00"]), ("skip", []), ("all", ["09:01", "09:02", "09:03"])],
)
def test_missed_slots_after_downtime_follow_the_policy(author, team, settings, policy, expected):
    settings.RUNS_MISSED_SLOTS_MAX = 3
    settings.RUNS_SCHEDULER_GRACE_SECONDS = 10  # the 10:00 slot, fired at 10:00:30, is late
    with clock.frozen(START) as c:
        job = scheduled_job(author, team, missedSchedulePolicy=policy)
        c.advance(minutes=60)  # the scheduler was down for an hour: 60 slots passed
        result = tick()
    slots = [r.scheduled_for.strftime("%H:%M") for r in runs_of(job)]
    if policy == "all":
        assert slots == ["09:58", "09:59", "10:00"]  # the newest RUNS_MISSED_SLOTS_MAX
    else:
        assert slots == expected
    assert result.skipped == 60 - len(slots)
    job.refresh_from_db()
    assert job.next_run_at == dt.datetime(2026, 3, 2, 10, 1, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_a_missed_slot_still_fires_under_skip_when_on_time(author, team):
    with clock.frozen(START) as c:
        job = scheduled_job(author, team, missedSchedulePolicy="skip")
        c.advance(minutes=1)  # 09:01:30: the 09:01 slot is 30 s late, within the grace
        tick()
    assert len(runs_of(job)) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("policy", ["skip", "queue", "replace"])
def test_concurrency_policy_when_the_previous_run_is_still_active(author, team, policy):
    with clock.frozen(START) as c:
        job = scheduled_job(author, team, concurrencyPolicy=policy, maxConcurrentRuns=1)
        c.advance(minutes=1)
        tick()
        first = runs_of(job)[0]
        with_lock = locked_run(first.pk)
        if with_lock.status == JobRunStatus.PENDING:
            move(with_lock, JobRunStatus.READY)
        move(with_lock, JobRunStatus.STARTING, fields={"worker": "host:1"})  # a worker took it
        c.advance(minutes=1)
        tick()
    runs = runs_of(job)
    first.refresh_from_db()
    if policy == "skip":
        assert len(runs) == 1
    else:
        assert len(runs) == 2
        assert runs[1].status == JobRunStatus.PENDING
        assert runs[1].pending_reason == PendingReason.CONCURRENCY_LIMIT
    assert (first.cancel_requested_at is not None) == (policy == "replace")


@pytest.mark.django_db
def test_a_tick_reads_only_due_jobs(author, team, django_assert_max_num_queries):
    with clock.frozen(START) as c:
        due = scheduled_job(author, team, key="due")
        version_create(principal=author, job=due, changes={"cronExpression": "0 * * * *"})  # hourly: 10:00
        c.advance(minutes=30)
        with django_assert_max_num_queries(3):  # the due jobs, in a transaction (a savepoint here)
            assert tick().due == 0


def scheduler(barrier: threading.Barrier, errors: list[BaseException]) -> None:
    try:
        barrier.wait()
        tick()
    except BaseException as exc:  # reported by the test: a thread's failure must fail it
        errors.append(exc)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_fire_each_slot_once(author, team):
    """Two ticks race every minute for 5 minutes (threads, each with its own database connection)."""
    with clock.frozen(START) as c:
        job = scheduled_job(author, team)
        for _ in range(5):
            c.advance(minutes=1)
            barrier, errors = threading.Barrier(2), []
            threads = [threading.Thread(target=scheduler, args=(barrier, errors)) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert errors == []
    slots = [r.scheduled_for.strftime("%H:%M") for r in runs_of(job)]
    assert slots == ["09:01", "09:02", "09:03", "09:04", "09:05"]
