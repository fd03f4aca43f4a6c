"""The job creation wizard: each step checks its fields, the schedule previews live with DST flags, the review makes
one `job_create` call, and its field errors go back to the step owning the field."""

import datetime as dt

import pytest

from apps.core import clock
from apps.workloads.models import Job
from tests.workloads.console.conftest import HTMX

pytestmark = pytest.mark.django_db
NEW = "/workloads/jobs/new/"


def _steps(client, team, cluster, **overrides):
    values = {
        "basics": {"job_key": "daily-sales", "description": "Sales", "status": "active"},
        "code": {"kind": "sql", "sql": "SELECT 1 AS one"},
        "compute": {"cluster": cluster.pk, "execution_mode": "standalone", "max_retries": "2"},
        "schedule": {
            "cron_expression": "30 2 * * *",
            "cron_timezone": "America/New_York",
            "concurrency_policy": "skip",
            "max_concurrent_runs": "1",
            "missed_schedule_policy": "latest",
        },
        "dependencies": {},
        "teams": {"teams": [team.pk]},
    }
    for step, change in overrides.items():
        values[step].update(change)
    client.get(NEW)
    for step, data in values.items():
        response = client.post(f"{NEW}{step}", {**data, "action": "next"})
        assert response.status_code == 302, (step, response.content.decode()[-2000:])
    return response


def test_the_wizard_creates_a_job_with_one_service_call(bob_console, team, cluster):
    assert _steps(bob_console, team, cluster)["Location"] == f"{NEW}review"
    review = bob_console.get(f"{NEW}review").content.decode()
    assert "daily-sales" in review and "SQL written here" in review and "America/New_York" in review
    assert 'hx-post="/workloads/queries/check"' in review  # the SQL is checked on Sail as the review loads
    created = bob_console.post(f"{NEW}review")
    job = Job.objects.get()
    assert created["Location"] == f"/workloads/jobs/{job.pk}/"
    version = job.current_version
    assert (version.number, version.cron_timezone, version.config["lakesail"]) == (
        1,
        "America/New_York",
        {
            "executionMode": "standalone",
            "maxRetries": 2,
        },
    )
    assert job.team_ids == [team.pk] and bob_console.session.get("workloads.job_wizard") is None


def test_a_step_keeps_its_errors_and_back_keeps_what_was_typed(bob_console, team, cluster):
    bob_console.get(NEW)
    refused = bob_console.post(f"{NEW}basics", {"job_key": "Not A Key", "status": "active", "action": "next"})
    assert refused.status_code == 200 and "Lower-case letters" in refused.content.decode()
    bob_console.post(f"{NEW}basics", {"job_key": "ok-key", "status": "active", "action": "next"})
    missing = bob_console.post(f"{NEW}code", {"kind": "query", "action": "next"})
    assert "Required for this kind of job." in missing.content.decode()
    back = bob_console.post(f"{NEW}code", {"kind": "sql", "sql": "SELECT 9", "action": "back"})
    assert back["Location"] == f"{NEW}basics"
    assert "SELECT 9" in bob_console.get(f"{NEW}code").content.decode()
    assert bob_console.get(f"{NEW}review")["Location"] == f"{NEW}compute"  # the first step still to do


def test_service_errors_go_back_to_the_step_that_owns_the_field(bob_console, author, team, cluster):
    from apps.workloads.services.jobs import job_create
    from tests.workloads.conftest import SQL_CONFIG

    _steps(bob_console, team, cluster)
    # Meanwhile someone takes the key: the create call refuses it, and the basics step says so.
    job_create(
        principal=author,
        job_key="daily-sales",
        team_ids=[team.pk],
        fields={"clusterId": cluster.pk, "config": SQL_CONFIG},
    )
    refused = bob_console.post(f"{NEW}review")
    assert refused["Location"] == f"{NEW}basics"
    basics = bob_console.get(f"{NEW}basics").content.decode()
    assert "Already taken." in basics and "step-error" in basics
    assert Job.objects.count() == 1


def test_the_schedule_preview_flags_the_spring_forward_day(bob_console, team):
    with clock.frozen(dt.datetime(2025, 3, 7, 12, tzinfo=dt.UTC)):
        html = bob_console.post(
            "/workloads/jobs/new/schedule-preview",
            {"cron_expression": "30 2 * * *", "cron_timezone": "America/New_York"},
            headers=HTMX,
        ).content.decode()
    assert "At 02:30 every day" in html and "Sun 2025-03-09 03:00 EDT" in html
    assert html.count("clocks go forward") == 1
    bad = bob_console.post("/workloads/jobs/new/schedule-preview", {"cron_expression": "61 * * * *"}, headers=HTMX)
    assert 'role="alert"' in bad.content.decode()


def test_someone_who_may_not_author_jobs_gets_403(vera_console):
    response = vera_console.get(f"{NEW}basics")
    assert response.status_code == 403 and "CanManageJobs" in response.content.decode()
