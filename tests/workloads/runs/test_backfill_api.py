"""Backfills: one run per past cron slot in [from, to], once per slot however often asked, at most maxConcurrent
executing, cancellable as a group."""

import datetime as dt

import pytest

from apps.core import clock
from apps.core.audit import AuditEvent
from apps.workloads.models import JobBackfill, JobRun, JobRunStatus, PendingReason, RunTrigger
from apps.workloads.services.run_admission import blocked
from apps.workloads.services.run_dispatch import dispatch
from apps.workloads.services.run_states import locked_run, move
from apps.workloads.services.runs import new_run
from tests.workloads.runs.conftest import make_job

S = JobRunStatus
NOW = dt.datetime(2026, 4, 2, 12, 5, tzinfo=dt.UTC)
FROM, TO = "2026-04-01T00:00:00Z", "2026-04-01T09:00:00Z"  # ten hourly slots: 00:00 … 09:00


@pytest.fixture(autouse=True)
def now():
    with clock.frozen(NOW) as frozen:
        yield frozen


@pytest.fixture
def job(author, team, runs_cluster):
    return make_job(author, team, runs_cluster, key="hourly", cronExpression="0 * * * *", maxConcurrentRuns=10)


def url(job) -> str:
    return f"/workloads/jobs/{job.pk}/backfill"


def slots(job) -> list[str]:
    return [
        at.strftime("%H:%M")
        for at in JobRun.objects.filter(job=job).order_by("scheduled_for").values_list("scheduled_for", flat=True)
    ]


def test_a_backfill_of_10_slots_creates_10_runs_once_even_when_called_twice(api, job):
    first = api.post(url(job), {"from": FROM, "to": TO, "maxConcurrent": 3})
    assert first.status_code == 201, first.json()
    body = first.json()
    assert (body["jobId"], body["jobVersion"], body["from"], body["to"]) == (job.pk, 1, FROM, TO)
    assert (body["maxConcurrent"], body["slotCount"], body["status"], body["cancelledAt"]) == (3, 10, "running", None)
    assert body["runCounts"] == {"ready": 10}
    assert [slot["scheduledFor"][11:16] for slot in body["slots"]] == [f"{h:02d}:00" for h in range(10)]
    assert {slot["backfillId"] for slot in body["slots"]} == {body["id"]}
    runs = JobRun.objects.filter(job=job)
    assert runs.count() == 10 and set(runs.values_list("trigger", flat=True)) == {RunTrigger.BACKFILL}
    second = api.post(url(job), {"from": FROM, "to": TO, "maxConcurrent": 3})
    assert second.status_code == 200
    assert second.json()["id"] == body["id"] and second.json()["slots"] == body["slots"]
    assert JobRun.objects.filter(job=job).count() == 10 and JobBackfill.objects.count() == 1
    assert AuditEvent.objects.filter(action="backfill.create", target_id=body["id"]).count() == 1
    described = api.get(f"/workloads/jobs/{job.pk}/backfills/{body['id']}").json()
    assert described == second.json()


def test_a_slot_that_has_a_run_keeps_it(api, job):
    scheduled = new_run(
        job=job,
        version=job.current_version,
        trigger=RunTrigger.SCHEDULE,
        scheduled_for=dt.datetime(2026, 4, 1, 3, tzinfo=dt.UTC),
    )
    body = api.post(url(job), {"from": FROM, "to": TO}).json()
    assert sum(body["runCounts"].values()) == 9 and body["maxConcurrent"] == 1
    kept = [slot for slot in body["slots"] if slot["backfillId"] is None]
    assert [slot["jobRunId"] for slot in kept] == [scheduled.pk]
    overlapping = api.post(url(job), {"from": "2026-04-01T05:00:00Z", "to": "2026-04-01T11:30:00Z"}).json()
    assert sum(overlapping["runCounts"].values()) == 2  # 10:00 and 11:00: the rest had runs
    assert slots(job) == [f"{h:02d}:00" for h in range(12)]


def test_max_concurrent_holds_the_backfills_other_runs_back(api, job, settings):
    settings.CLUSTER_RUN_SLOTS = 10
    body = api.post(url(job), {"from": FROM, "to": "2026-04-01T04:00:00Z", "maxConcurrent": 2}).json()
    report = dispatch()
    runs = {run.scheduled_for.hour: run for run in JobRun.objects.filter(job=job)}
    assert sorted(report.started) == sorted([runs[0].pk, runs[1].pk])  # the oldest slots first
    waiting = runs[2]
    assert (waiting.status, waiting.pending_reason) == (S.PENDING, PendingReason.CONCURRENCY_LIMIT)
    assert waiting.pending_detail == {"backfillId": body["id"], "maxConcurrent": 2}
    finished = locked_run(runs[0].pk)
    for step in (S.CREATING_RUNNER, S.RUNNING, S.SUCCEEDED):
        move(finished, step)
    assert blocked(JobRun.objects.get(pk=waiting.pk)) is None
    assert dispatch().started == [waiting.pk]


@pytest.mark.parametrize(
    ("body", "field_errors"),
    [
        ({"from": TO, "to": FROM}, {"from": "At or before `to`."}),
        (
            {"from": FROM, "to": "2026-04-03T00:00:00Z"},
            {"to": "A backfill covers past slots: the scheduler fires the ones to come."},
        ),
        ({"from": FROM, "to": TO, "maxConcurrent": 0}, {"maxConcurrent": "Between 1 and 100."}),
        (
            {"from": "2026-04-01T00:10:00Z", "to": "2026-04-01T00:50:00Z"},
            {"from": "No slot of the schedule in the range."},
        ),
        (
            {"from": FROM, "to": "2026-04-01T05:00:00Z"},
            {"to": "At most 5 slots at once: a shorter range, or several backfills."},
        ),
    ],
)
def test_it_refuses_a_bad_range(api, job, settings, body, field_errors):
    settings.RUNS_BACKFILL_MAX_SLOTS = 5
    response = api.post(url(job), body)
    assert response.status_code == 400
    assert response.json()["details"]["fieldErrors"] == field_errors
    assert not JobRun.objects.exists() and not JobBackfill.objects.exists()


def test_a_job_without_a_schedule_has_nothing_to_backfill(api, author, team, runs_cluster):
    manual = make_job(author, team, runs_cluster, key="manual")
    response = api.post(url(manual), {"from": FROM, "to": TO})
    assert response.status_code == 409
    assert response.json()["code"] == "job_not_scheduled"


def test_cancel_ends_every_run_of_the_backfill_that_has_not_ended(api, job):
    body = api.post(url(job), {"from": FROM, "to": "2026-04-01T03:00:00Z"}).json()
    runs = {run.scheduled_for.hour: run for run in JobRun.objects.filter(job=job)}
    done = locked_run(runs[0].pk)
    for step in (S.STARTING, S.CREATING_RUNNER, S.RUNNING, S.SUCCEEDED):
        move(done, step, fields={"worker": "host:1"} if step == S.STARTING else None)
    executing = locked_run(runs[1].pk)
    move(executing, S.STARTING, fields={"worker": "host:1"})
    cancel = f"/workloads/jobs/{job.pk}/backfills/{body['id']}/cancel"
    response = api.post(cancel)
    assert response.status_code == 200
    cancelled = response.json()
    assert cancelled["status"] == "cancelled" and cancelled["cancelledAt"] == "2026-04-02T12:05:00Z"
    assert cancelled["runCounts"] == {"succeeded": 1, "starting": 1, "cancelled": 2}
    assert JobRun.objects.get(pk=runs[1].pk).cancel_requested_at is not None  # its worker ends it
    assert api.post(cancel).status_code == 200  # repeatable
    assert AuditEvent.objects.filter(action="backfill.cancel", target_id=body["id"]).count() == 2


def test_backfills_are_the_jobs_and_need_can_run_jobs(
    api, api_as, acme, author, team, runs_cluster, job, viewer_in_team
):
    body = api.post(url(job), {"from": FROM, "to": "2026-04-01T01:00:00Z"}).json()
    other = make_job(author, team, runs_cluster, key="other", cronExpression="0 * * * *")
    assert api.get(f"/workloads/jobs/{other.pk}/backfills/{body['id']}").status_code == 404
    viewer = api_as(viewer_in_team, acme)
    assert viewer.get(f"/workloads/jobs/{job.pk}/backfills/{body['id']}").status_code == 200
    for path in (url(job), f"/workloads/jobs/{job.pk}/backfills/{body['id']}/cancel"):
        refused = viewer.post(path, {"from": FROM, "to": TO})
        assert refused.status_code == 403
        assert refused.json()["details"]["causedBy"] == "CanRunJobs"
    assert JobRun.objects.filter(status=S.CANCELLED).count() == 0 and JobRun.objects.count() == 2


def test_another_organization_cannot_see_or_cancel_a_backfill(api, api_as, globex, charlie, job):
    body = api.post(url(job), {"from": FROM, "to": "2026-04-01T01:00:00Z"}).json()
    stranger = api_as(charlie, globex)
    assert stranger.get(f"/workloads/jobs/{job.pk}/backfills/{body['id']}").status_code == 404
    assert stranger.post(f"/workloads/jobs/{job.pk}/backfills/{body['id']}/cancel").status_code == 404
    assert stranger.post(url(job), {"from": FROM, "to": TO}).status_code == 404
    assert JobRun.objects.filter(status=S.CANCELLED).count() == 0 and JobRun.objects.count() == 2
