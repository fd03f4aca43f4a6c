"""The runs console: Alice (owner of Acme) and Vera (a viewer of the Data team) in the browser's place, Bob a member of
Acme in no team (no CanViewJobs anywhere), Charlie the owner of Globex. Runs are created through the services and moved
with `run_states.move`: no worker runs here."""

import datetime as dt

import pytest
from django.db import transaction

from apps.workloads.models import JobRun, JobRunStatus
from apps.workloads.services.run_states import locked_run, move
from tests.org.test_console_pages import console_as
from tests.workloads.runs.conftest import make_job

S = JobRunStatus
HTMX = {"HX-Request": "true"}
T0 = dt.datetime(2026, 4, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def alice_console(alice):
    return console_as(alice)


@pytest.fixture
def bob_console(bob):
    return console_as(bob)


@pytest.fixture
def vera_console(viewer_in_team):
    return console_as(viewer_in_team)


@pytest.fixture
def charlie_console(charlie):
    return console_as(charlie)


@pytest.fixture
def job(author, team, runs_cluster):
    return make_job(author, team, runs_cluster, key="nightly", maxConcurrentRuns=50)


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.LAKESAIL_DATA_DIR = tmp_path
    return tmp_path


@transaction.atomic  # the row lock needs one (browser tests run in autocommit)
def ended(run: JobRun, status: str = S.SUCCEEDED, *, seconds: float = 3.0, message: str = "", **fields) -> JobRun:
    """Take a run through a worker's statuses to `status`, `seconds` after it was dispatched."""
    run = locked_run(run.pk)
    if run.status == S.PENDING:
        move(run, S.READY)
    start = run.created_at
    move(run, S.STARTING, fields={"worker": "host:1", "dispatched_at": start})
    move(run, S.CREATING_RUNNER)
    move(run, S.RUNNING, fields={"runner_started_at": start})
    move(run, status, message=message, at=start + dt.timedelta(seconds=seconds), fields=fields)
    return run


def created_at(run: JobRun, at: dt.datetime) -> JobRun:
    """Date a run's creation (`created_at` is the database's own time, not the test clock's)."""
    JobRun.objects.filter(pk=run.pk).update(created_at=at)
    run.created_at = at
    return run


@transaction.atomic
def running(run: JobRun) -> JobRun:
    run = locked_run(run.pk)
    if run.status == S.PENDING:
        move(run, S.READY)
    move(run, S.STARTING, fields={"worker": "host:1", "dispatched_at": run.created_at})
    move(run, S.CREATING_RUNNER)
    move(run, S.RUNNING)
    return run
