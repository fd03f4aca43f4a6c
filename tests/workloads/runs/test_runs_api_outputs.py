"""What a run leaves: logs (tailed by offset), the result preview, and its estimated cost (per run and per job)."""

import datetime as dt
from decimal import Decimal

import pytest

from apps.workloads.models import JobRun, JobRunStatus
from apps.workloads.runner import RunPaths
from apps.workloads.selectors.runs import LOG_CHUNK_BYTES
from apps.workloads.services.run_cost import estimated_cost
from apps.workloads.services.run_states import locked_run, move
from apps.workloads.services.runs import run_create
from tests.workloads.runs.conftest import make_job

S = JobRunStatus
T0 = dt.datetime(2026, 4, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def job(author, team, runs_cluster):
    return make_job(author, team, runs_cluster)


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.LAKESAIL_DATA_DIR = tmp_path
    return tmp_path


def executing(author, job) -> JobRun:
    run = locked_run(run_create(principal=author, job=job).pk)
    move(run, S.STARTING, fields={"worker": "host:1", "dispatched_at": T0})
    move(run, S.CREATING_RUNNER)
    move(run, S.RUNNING)
    return run


def test_a_log_is_read_in_chunks_of_whole_characters(api, author, job, data_dir):
    run = executing(author, job)
    logs = RunPaths.for_run(run.pk).create().logs
    text = "x" * (LOG_CHUNK_BYTES - 1) + "é and more"  # the é's two bytes straddle the first chunk's end
    (logs / "stdout.log").write_text(text, encoding="utf-8")
    url = f"/workloads/jobs/{job.pk}/runs/{run.pk}/logs"
    first = api.get(url).json()
    assert (first["stream"], first["offset"], first["nextOffset"], first["complete"]) == (
        "stdout",
        0,
        LOG_CHUNK_BYTES - 1,
        False,
    )
    assert first["size"] == len(text.encode()) and first["data"] == "x" * (LOG_CHUNK_BYTES - 1)
    second = api.get(f"{url}?offset={first['nextOffset']}").json()
    assert second["data"] == "é and more"
    assert second["nextOffset"] == second["size"] and second["complete"] is False  # still running: more may come
    move(locked_run(run.pk), S.SUCCEEDED)
    assert api.get(f"{url}?offset={second['nextOffset']}").json() | {"size": 0} == {
        "stream": "stdout",
        "offset": second["size"],
        "nextOffset": second["size"],
        "size": 0,
        "data": "",
        "complete": True,
    }


def test_a_missing_log_is_empty_and_bad_parameters_are_400(api, author, job, data_dir):
    run = run_create(principal=author, job=job, hold=True)
    url = f"/workloads/jobs/{job.pk}/runs/{run.pk}/logs"
    assert api.get(f"{url}?stream=sail").json() == {
        "stream": "sail",
        "offset": 0,
        "nextOffset": 0,
        "size": 0,
        "data": "",
        "complete": False,
    }
    assert api.get(f"{url}?stream=kernel").json()["details"]["fieldErrors"] == {
        "stream": "One of: stdout, stderr, runner, sail."
    }
    assert api.get(f"{url}?offset=-1").status_code == 400


def test_results_are_the_preview_of_a_succeeded_run(api, author, job):
    run = executing(author, job)
    url = f"/workloads/jobs/{job.pk}/runs/{run.pk}/results"
    refused = api.get(url)
    assert refused.status_code == 409
    assert refused.json()["code"] == "run_has_no_results"
    preview = {"columns": [{"name": "one", "type": "int"}], "rows": [[1], [2]]}
    move(locked_run(run.pk), S.SUCCEEDED, fields={"preview": preview, "row_count": 250, "output_path": "/out/r"})
    assert api.get(url).json() == {
        "jobRunId": run.pk,
        "outputPath": "/out/r",
        "rowCount": 250,
        "columns": [{"name": "one", "type": "int"}],
        "rows": [[1], [2]],
        "truncated": True,
    }
    assert api.get(f"/workloads/jobs/{job.pk}/runs/{run.pk}").json()["results"] == {
        "outputPath": "/out/r",
        "rowCount": 250,
    }


def test_a_run_costs_its_share_of_the_cluster_while_it_held_a_slot(author, job, settings):
    settings.LOCAL_CLUSTER_HOURLY_PRICE_USD = 2.0
    settings.CLUSTER_RUN_SLOTS = 4
    run = executing(author, job)
    assert estimated_cost(run) is None  # not ended
    move(locked_run(run.pk), S.SUCCEEDED, at=T0 + dt.timedelta(minutes=30))
    run.refresh_from_db()
    assert estimated_cost(run) == Decimal("0.250000")  # $2/h * 0.5 h / 4 slots
    never_started = run_create(principal=author, job=job, hold=True)
    move(locked_run(never_started.pk), S.CANCELLED)
    never_started.refresh_from_db()
    assert estimated_cost(never_started) is None


def test_a_jobs_cost_sums_its_runs_that_finished_in_the_period(api, author, job):
    costs = []
    for minutes, cost in ((10, "0.5"), (20, "0.25"), (30, None)):
        run = executing(author, job)
        move(
            locked_run(run.pk),
            S.SUCCEEDED,
            at=T0 + dt.timedelta(minutes=minutes),
            fields={"estimated_cost": Decimal(cost) if cost else None},
        )
        costs.append(run)
    url = f"/workloads/jobs/{job.pk}/cost"
    body = api.get(f"{url}?from=2026-04-01T12:00:00Z&to=2026-04-01T12:25:00Z").json()
    assert body == {
        "from": "2026-04-01T12:00:00Z",
        "jobId": job.pk,
        "to": "2026-04-01T12:25:00Z",
        "currency": "USD",
        "estimatedCost": 0.75,
        "runCount": 2,
        "costedRunCount": 2,
        "runSeconds": 1800.0,
    }
    wider = api.get(f"{url}?from=2026-04-01T00:00:00Z&to=2026-04-02T00:00:00Z").json()
    assert (wider["estimatedCost"], wider["runCount"], wider["costedRunCount"]) == (0.75, 3, 2)
    refused = api.get(f"{url}?from=2026-04-02T00:00:00Z&to=2026-04-01T00:00:00Z")
    assert refused.json()["details"]["fieldErrors"] == {"from": "At or before `to`."}
    assert api.get(f"/workloads/jobs/{job.pk}/runs/{costs[0].pk}").json()["estimatedCost"] == 0.5


def test_the_run_groups_are_what_drf_would_write(author, job):
    """The views write runs with `apps.core.api.fast.dump`: the same JSON as the serializers themselves."""
    import json

    from apps.core.api.fast import dump
    from apps.workloads.api.serializers.runs import JobRunDescribedSerializer, JobRunSerializer
    from apps.workloads.selectors.runs import run_timeline

    run = executing(author, job)
    move(
        locked_run(run.pk),
        S.SUCCEEDED,
        fields={"estimated_cost": Decimal("0.125"), "output_path": "/o", "parameters": ["x"], "backfill_id": ""},
    )
    held = run_create(principal=author, job=job, hold=True)
    runs = list(JobRun.objects.filter(job=job))
    assert dump(JobRunSerializer, runs, many=True) == json.loads(json.dumps(JobRunSerializer(runs, many=True).data))
    for each in runs:
        each.timeline = run_timeline(run=each)
    described = dump(JobRunDescribedSerializer, runs, many=True)
    assert described == json.loads(json.dumps(JobRunDescribedSerializer(runs, many=True).data))
    by_id = {each["id"]: each for each in described}
    assert (by_id[run.pk]["estimatedCost"], by_id[held.pk]["pendingReason"]) == (0.125, "held")
