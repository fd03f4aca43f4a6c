"""Job pages: the list (schedule in words, next run, teams; search, filters, sort), a job's tabs, activate an older
version with confirmation, teams, pause, delete; permissions and other organizations."""

import datetime as dt

import pytest

from apps.core import clock
from apps.workloads.models import Job
from apps.workloads.services.job_versions import draft_create, version_create
from apps.workloads.services.jobs import job_create, job_update
from tests.workloads.conftest import SQL_CONFIG
from tests.workloads.console.conftest import HTMX

pytestmark = pytest.mark.django_db


def test_the_list_shows_schedule_in_words_and_filters(
    alice_console, author, team, cluster, job, django_assert_max_num_queries
):
    for i in range(30):
        made = job_create(
            principal=author,
            job_key=f"etl-{i:02}",
            team_ids=[team.pk],
            fields={"clusterId": cluster.pk, "config": SQL_CONFIG},
        )
    job_update(principal=author, job=made, status="paused")
    with django_assert_max_num_queries(11):
        html = alice_console.get("/workloads/jobs/").content.decode()
    assert "31 jobs · 1 to 25 shown" in html and "At 02:30 every day (UTC)" in html and "Not scheduled" in html
    assert "<td>—</td>" in html and "Data" in html and "New job" in html  # last run: none yet
    paused = alice_console.get("/workloads/jobs/?status=paused", headers=HTMX).content.decode()
    assert "etl-29" in paused and "daily-sales" not in paused and "<html" not in paused
    searched = alice_console.get("/workloads/jobs/?q=daily", headers=HTMX).content.decode()
    assert "daily-sales" in searched and "etl-01" not in searched
    by_next = alice_console.get("/workloads/jobs/?sort=next&dir=desc", headers=HTMX).content.decode()
    assert 'aria-sort="descending"' in by_next
    teamed = alice_console.get(f"/workloads/jobs/?team={team.pk}", headers=HTMX).content.decode()
    assert "31 jobs" in teamed


def test_the_overview_and_schedule_tabs(alice_console, job):
    with clock.frozen(dt.datetime(2025, 3, 1, tzinfo=dt.UTC)):
        html = alice_console.get(f"/workloads/jobs/{job.pk}/").content.decode()
        assert "Current version: 1" in html and "At 02:30 every day" in html and "SELECT 1 AS one" in html
        assert "Pause schedule" in html and 'data-confirm="Delete the job daily-sales' in html
        schedule = alice_console.get(f"/workloads/jobs/{job.pk}/schedule").content.decode()
    assert schedule.count("<tr>") == 11 and "2025-03-01 02:30" in schedule  # ten fire times and the header


def test_the_runs_tab_includes_the_runs_template(alice_console, job):
    html = alice_console.get(f"/workloads/jobs/{job.pk}/runs").content.decode()
    assert 'aria-current="page">Runs</a>' in html and 'id="runs-h"' in html


def test_versions_diff_and_activate_an_older_one_with_confirmation(alice_console, author, job):
    version_create(principal=author, job=job, changes={"config": {"sql": {"source": "SELECT 2 AS two\nFROM range(1)"}}})
    html = alice_console.get(f"/workloads/jobs/{job.pk}/versions").content.decode()
    assert 'data-confirm="Make version 1 the current version of daily-sales?' in html
    assert "config.sql.source" in html and "+SELECT 2 AS two" in html  # previous → current by default
    diff = alice_console.get(f"/workloads/jobs/{job.pk}/versions?from=2&to=1", headers=HTMX).content.decode()
    assert "<html" not in diff and "-SELECT 2 AS two" in diff
    activated = alice_console.post(f"/workloads/jobs/{job.pk}/activate", {"version": "1"})
    job.refresh_from_db()
    assert activated.status_code == 302 and job.current_version.number == 1


def test_activate_is_refused_while_a_draft_exists(alice_console, author, job):
    version_create(principal=author, job=job, changes={"description": "two"})
    draft_create(principal=author, job=job, changes={})
    url = f"/workloads/jobs/{job.pk}/versions"
    response = alice_console.post(
        f"/workloads/jobs/{job.pk}/activate", {"version": "1"}, HTTP_REFERER=f"http://testserver{url}", follow=True
    )
    assert "has a draft" in response.content.decode()
    job.refresh_from_db()
    assert job.current_version.number == 2


def test_teams_tab_adds_and_keeps_the_last_team(alice_console, author, job, team):
    from apps.org.services.teams import team_create

    other = team_create(principal=author, name="Finance")
    html = alice_console.get(f"/workloads/jobs/{job.pk}/teams").content.decode()
    assert "Finance" in html and 'data-confirm="Stop sharing daily-sales with Data?"' in html
    alice_console.post(f"/workloads/jobs/{job.pk}/teams/add", {"team": other.pk})
    assert sorted(Job.objects.get(pk=job.pk).team_ids) == sorted([team.pk, other.pk])
    alice_console.post(f"/workloads/jobs/{job.pk}/teams/{team.pk}/remove")
    refused = alice_console.post(
        f"/workloads/jobs/{job.pk}/teams/{other.pk}/remove", HTTP_REFERER="http://testserver/", follow=True
    )
    assert "last team" in refused.content.decode()
    assert Job.objects.get(pk=job.pk).team_ids == [other.pk]


def test_pause_and_delete(alice_console, job):
    alice_console.post(f"/workloads/jobs/{job.pk}/status", {"status": "paused"})
    job.refresh_from_db()
    assert job.status == "paused" and job.next_run_at is None
    assert alice_console.post(f"/workloads/jobs/{job.pk}/delete").status_code == 302
    assert not Job.objects.exists()


def test_a_viewer_cannot_change_a_job_and_another_org_gets_404(vera_console, charlie_console, job):
    html = vera_console.get(f"/workloads/jobs/{job.pk}/").content.decode()
    assert "daily-sales" in html and "Pause schedule" not in html and "Edit (new draft)" not in html
    assert vera_console.post(f"/workloads/jobs/{job.pk}/delete").status_code == 403
    assert vera_console.post(f"/workloads/jobs/{job.pk}/draft/new").status_code == 403
    assert Job.objects.filter(pk=job.pk).exists()
    for tab in ("", "versions", "runs", "teams", "schedule", "draft"):
        assert charlie_console.get(f"/workloads/jobs/{job.pk}/{tab}").status_code == 404
    assert charlie_console.post(f"/workloads/jobs/{job.pk}/activate", {"version": "1"}).status_code == 404
    assert job.pk not in charlie_console.get("/workloads/jobs/").content.decode()
