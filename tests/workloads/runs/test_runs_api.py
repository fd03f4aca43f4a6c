"""The run endpoints: create, describe, release (ready), retry, cancel, delete, in the reference's shapes.

No worker runs here: runs are created through the services and moved with `run_states.move` where a test needs a
run that executed or ended."""

import pytest

from apps.core.audit import AuditEvent
from apps.workloads.models import JobRun, JobRunStatus, PendingReason
from apps.workloads.services.run_states import locked_run, move
from apps.workloads.services.runs import run_create
from tests import reference
from tests.workloads.runs.conftest import make_job

S = JobRunStatus
REFERENCE_RUN_FIELDS = set(reference.endpoint_for("GET", "/workloads/jobs/X/runs/Y")["responses"][0]["example"])
DESIGNED_RUN_FIELDS = {
    "pendingReason",
    "pendingDetail",
    "scheduledFor",
    "attempt",
    "retryable",
    "cancelRequestedAt",
    "parameters",
    "namedParameters",
    "estimatedCost",
    "backfillId",
}


@pytest.fixture
def job(author, team, runs_cluster):
    return make_job(author, team, runs_cluster, maxConcurrentRuns=5)


def ended(run: JobRun, status: str = S.FAILED, **fields) -> JobRun:
    """Take a run through a worker's statuses to `status` (what the execution would leave)."""
    run = locked_run(run.pk)
    if run.status == S.PENDING:
        move(run, S.READY)
    for step in (S.STARTING, S.CREATING_RUNNER, S.RUNNING, status):
        move(run, step, message="boom" if step == S.FAILED else "", fields=fields if step == status else None)
    return run


def runs_url(job) -> str:
    return f"/workloads/jobs/{job.pk}/runs"


def test_it_creates_a_run_of_the_current_version(api, job):
    response = api.post(runs_url(job), {})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == REFERENCE_RUN_FIELDS | DESIGNED_RUN_FIELDS | {"statusHistory"}
    assert (body["jobId"], body["jobVersion"], body["status"], body["trigger"], body["hold"]) == (
        job.pk,
        1,
        "ready",
        "manual",
        False,
    )
    assert body["results"] == {"outputPath": None, "rowCount": None}
    assert (body["pendingReason"], body["backfillId"], body["attempt"], body["estimatedCost"]) == (None, None, 1, None)
    assert [change["status"] for change in body["statusHistory"]] == ["pending", "ready"]
    assert AuditEvent.objects.filter(action="run.create", target_id=body["id"]).exists()


def test_it_runs_an_older_version_with_overrides(api, author, job):
    from apps.workloads.services.job_versions import draft_create, draft_publish

    draft_create(principal=author, job=job, changes={"timeoutSeconds": 60})
    draft_publish(principal=author, job=job)
    body = api.post(
        runs_url(job),
        {"jobVersion": 1, "resourceCleanupMode": "never", "parameters": ["a", 2], "namedParameters": {"day": "1"}},
    ).json()
    assert (body["jobVersion"], body["resourceCleanupMode"]) == (1, "never")
    assert (body["parameters"], body["namedParameters"]) == (["a", "2"], {"day": "1"})
    assert api.post(runs_url(job), {}).json()["jobVersion"] == 2


@pytest.mark.parametrize(
    ("body", "field_errors"),
    [
        ({"jobVersion": 3}, {"jobVersion": "No published version 3."}),
        ({"resourceCleanupMode": "sometimes"}, {"resourceCleanupMode": "One of: always, on_success, never."}),
        ({"parameters": {"a": 1}}, {"parameters": "A list of strings."}),
        ({"hold": "perhaps"}, {"hold": "Must be a valid boolean."}),
    ],
)
def test_it_refuses_a_bad_run(api, job, body, field_errors):
    response = api.post(runs_url(job), body)
    assert response.status_code == 400
    assert response.json()["details"]["fieldErrors"] == field_errors
    assert not JobRun.objects.exists()


def test_a_held_run_waits_for_ready_and_ready_is_only_for_pending_runs(api, job):
    held = api.post(runs_url(job), {"hold": True}).json()
    assert (held["status"], held["pendingReason"], held["hold"]) == ("pending", "held", True)
    url = f"{runs_url(job)}/{held['id']}/ready"
    released = api.post(url)
    assert released.status_code == 200
    assert (released.json()["status"], released.json()["pendingReason"], released.json()["hold"]) == (
        "ready",
        None,
        False,
    )
    again = api.post(url)
    assert again.status_code == 409
    assert again.json()["code"] == "run_not_pending"


def test_a_run_waiting_for_its_cluster_says_so(api, author, team, cluster):
    """`cluster` (tests/workloads/conftest.py) has no Spark Connect endpoint: runs wait for it."""
    waiting = make_job(author, team, cluster, key="waits")
    body = api.post(runs_url(waiting), {}).json()
    assert (body["status"], body["pendingReason"]) == ("pending", PendingReason.CLUSTER_UNAVAILABLE)
    assert body["pendingDetail"] == {"clusterId": cluster.pk}
    assert body["statusMessage"] == "The job's cluster is not active."


def test_retry_keeps_the_id_version_and_history(api, author, job):
    run = ended(run_create(principal=author, job=job))
    url = f"{runs_url(job)}/{run.pk}/retry"
    body = api.post(url, {}).json()
    assert (body["id"], body["jobVersion"], body["status"], body["attempt"], body["trigger"]) == (
        run.pk,
        1,
        "ready",
        2,
        "retry",
    )
    assert body["finishedAt"] is None and body["dispatchedAt"] is None
    statuses = [change["status"] for change in body["statusHistory"]]
    assert statuses == ["pending", "ready", "starting", "creating_runner", "running", "failed", "ready"]
    ended(JobRun.objects.get(pk=run.pk), S.TIMEOUT)
    held = api.post(url, {"hold": True}).json()
    assert (held["status"], held["pendingReason"], held["attempt"]) == ("pending", "held", 3)


@pytest.mark.parametrize("status", [S.SUCCEEDED, S.READY])
def test_only_a_failed_timed_out_or_cancelled_run_is_retried(api, author, job, status):
    run = run_create(principal=author, job=job)
    if status == S.SUCCEEDED:
        ended(run, S.SUCCEEDED)
    response = api.post(f"{runs_url(job)}/{run.pk}/retry")
    assert response.status_code == 409
    assert response.json()["code"] == "run_not_retryable"
    assert JobRun.objects.get(pk=run.pk).attempt == 1


def test_only_an_ended_run_is_deleted(api, author, job):
    run = run_create(principal=author, job=job)
    url = f"{runs_url(job)}/{run.pk}"
    refused = api.delete(url)
    assert refused.status_code == 409
    assert refused.json()["code"] == "run_active"
    ended(run, S.CANCELLED)
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404
    assert AuditEvent.objects.filter(action="run.delete", target_id=run.pk).exists()


def test_cancel_ends_a_waiting_run_and_asks_an_executing_one_to_stop(api, author, job):
    waiting = run_create(principal=author, job=job, hold=True)
    body = api.post(f"{runs_url(job)}/{waiting.pk}/cancel").json()
    assert (body["status"], body["statusMessage"], body["pendingReason"]) == ("cancelled", "Cancelled by a user.", None)
    assert body["finishedAt"] is not None
    again = api.post(f"{runs_url(job)}/{waiting.pk}/cancel")
    assert again.status_code == 409
    assert again.json()["code"] == "run_ended"

    executing = locked_run(run_create(principal=author, job=job).pk)
    move(executing, S.STARTING, fields={"worker": "host:1"})
    move(executing, S.CREATING_RUNNER)
    body = api.post(f"{runs_url(job)}/{executing.pk}/cancel").json()
    assert body["status"] == "creating_runner" and body["cancelRequestedAt"] is not None


def test_describe_shows_the_timeline_and_another_jobs_run_is_404(api, author, team, runs_cluster, job):
    run = run_create(principal=author, job=job, hold=True)
    body = api.get(f"{runs_url(job)}/{run.pk}", max_queries=8).json()
    assert [(c["status"], c["message"]) for c in body["statusHistory"]] == [("pending", "Held: release it to run.")]
    other = make_job(author, team, runs_cluster, key="other")
    response = api.get(f"{runs_url(other)}/{run.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "job_run_not_found"


def test_a_viewer_reads_runs_and_cannot_start_or_change_them(api_as, acme, author, job, viewer_in_team):
    run = run_create(principal=author, job=job, hold=True)
    viewer = api_as(viewer_in_team, acme)
    assert viewer.get(f"{runs_url(job)}/{run.pk}").status_code == 200
    assert viewer.get(runs_url(job)).json()["total"] == 1
    for path, body in [
        (runs_url(job), {}),
        (f"{runs_url(job)}/{run.pk}/ready", None),
        (f"{runs_url(job)}/{run.pk}/cancel", None),
        (f"{runs_url(job)}/{run.pk}/retry", {"hold": False}),
    ]:
        response = viewer.post(path, body)
        assert response.status_code == 403, path
        assert response.json()["details"]["causedBy"] == "CanRunJobs"
    assert viewer.delete(f"{runs_url(job)}/{run.pk}").status_code == 403
    assert list(JobRun.objects.values_list("status", flat=True)) == [S.PENDING]


def test_another_organization_sees_no_run(api_as, globex, charlie, author, job):
    run = run_create(principal=author, job=job, hold=True)
    stranger = api_as(charlie, globex)
    for path in (runs_url(job), f"{runs_url(job)}/{run.pk}", f"{runs_url(job)}/{run.pk}/logs"):
        response = stranger.get(path)
        assert response.status_code == 404
        assert run.pk not in response.content.decode()
    assert stranger.post(f"{runs_url(job)}/{run.pk}/ready").status_code == 404
    assert stranger.get("/me/jobs/runs").json() == {"total": 0, "items": []}
    assert JobRun.objects.get(pk=run.pk).status == S.PENDING


def test_if_match_guards_a_release(api, author, job):
    run = run_create(principal=author, job=job, hold=True)
    url = f"{runs_url(job)}/{run.pk}"
    etag = api.get(url)["ETag"]
    stale = api.post(f"{url}/ready", headers={"If-Match": '"stale"'})
    assert stale.status_code == 412
    assert api.post(f"{url}/ready", headers={"If-Match": etag}).status_code == 200


def test_an_idempotency_key_creates_one_run(api, job):
    first = api.post(runs_url(job), {"hold": True}, headers={"Idempotency-Key": "run-once"})
    second = api.post(runs_url(job), {"hold": True}, headers={"Idempotency-Key": "run-once"})
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert second["Idempotent-Replayed"] == "true"
    assert JobRun.objects.count() == 1
