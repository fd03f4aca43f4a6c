"""A job's runs tab: its recent runs (live) with the duration trend, Run now (hold, version), the upcoming slots of
its schedule, and the backfill dialog (its slots listed before anything is created)."""

import datetime as dt
import re

import pytest

from apps.core import clock
from apps.workloads.models import JobBackfill, JobRun
from apps.workloads.services.job_versions import version_create
from apps.workloads.services.jobs import job_update
from apps.workloads.services.runs import run_cancel, run_create
from tests.workloads.runs.conftest import make_job
from tests.workloads.runs.console.conftest import HTMX, T0, ended

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheduled(author, team, runs_cluster):
    """Every 15 minutes, in New York."""
    return make_job(
        author, team, runs_cluster, key="quarterly", cronExpression="*/15 * * * *", cronTimezone="America/New_York"
    )


def tab(job) -> str:
    return f"/workloads/jobs/{job.pk}/runs"


def test_recent_runs_poll_and_the_trend_draws_one_bar_per_finished_run(alice_console, author, job):
    ok = ended(run_create(principal=author, job=job), seconds=10)
    bad = ended(run_create(principal=author, job=job), "failed", seconds=40)
    held = run_create(principal=author, job=job, hold=True)
    html = alice_console.get(tab(job)).content.decode()
    assert re.findall(r'<tr data-run="(\w+)">', html) == [held.pk, bad.pk, ok.pk]
    assert f'hx-get="/workloads/jobs/{job.pk}/runs/recent" hx-trigger="every 2s"' in html
    bars = re.findall(
        r'<rect class="trend-bar trend-(\w+)" x="([\d.]+)" y="([\d.]+)" width="[\d.]+" height="([\d.]+)">', html
    )
    assert [(status, height) for status, _x, _y, height in bars] == [("succeeded", "19.5"), ("failed", "78.0")]
    assert "the longest took 40 s" in html and "style=" not in html.split("<main")[1]  # classes only: strict CSP

    run_cancel(principal=author, run=held)
    live = alice_console.get(f"{tab(job)}/recent", headers=HTMX).content.decode()
    assert "hx-trigger" not in live and live.count("<rect") == 2  # a run cancelled before it started has no bar


def test_run_now_with_hold_and_an_older_version(alice_console, author, job):
    version_create(principal=author, job=job, changes={"description": "two"})
    html = alice_console.get(tab(job)).content.decode()
    assert '<option value="2" selected>Version 2 (current)</option>' in html and "Version 1</option>" in html
    response = alice_console.post(f"{tab(job)}/new", {"version": "1", "hold": "on"})
    run = JobRun.objects.get(job=job)
    assert response["Location"] == f"/workloads/jobs/{job.pk}/runs/{run.pk}/"
    assert (run.status, run.pending_reason, run.version_number, run.trigger) == ("pending", "held", 1, "manual")
    bad = alice_console.post(
        f"{tab(job)}/new", {"version": "7"}, HTTP_REFERER=f"http://testserver{tab(job)}", follow=True
    )
    assert "Choose a published version." in bad.content.decode() and JobRun.objects.count() == 1


def test_a_viewer_cannot_run_and_another_org_gets_404(vera_console, charlie_console, job):
    html = vera_console.get(tab(job)).content.decode()
    assert "Run now</button>" not in html and "Backfill…" not in html
    assert vera_console.post(f"{tab(job)}/new", {"version": "1"}).status_code == 403
    assert charlie_console.get(f"{tab(job)}/recent").status_code == 404
    assert charlie_console.post(f"{tab(job)}/new", {"version": "1"}).status_code == 404
    assert not JobRun.objects.exists()


def test_upcoming_runs_follow_the_schedule(alice_console, author, scheduled):
    with clock.frozen(dt.datetime(2026, 3, 8, 6, 50, tzinfo=dt.UTC)):
        html = alice_console.get(tab(scheduled)).content.decode()
    upcoming = re.search(r'<ol class="run-upcoming">(.*?)</ol>', html, re.S).group(1)
    # 06:50 UTC is 01:50 in New York (EST), the night clocks go forward: 02:00-02:45 do not exist.
    assert upcoming.count("<li>") == 5 and "8 Mar 2026, 07:00" in upcoming and "08:00" in upcoming
    job_update(principal=author, job=scheduled, status="paused")
    assert "Paused: its schedule fires nothing" in alice_console.get(tab(scheduled)).content.decode()


def test_the_backfill_dialog_lists_the_slots_before_creating_them(alice_console, author, scheduled):
    with clock.frozen(T0):
        existing = run_create(principal=author, job=scheduled)
        JobRun.objects.filter(pk=existing.pk).update(scheduled_for=T0 - dt.timedelta(minutes=30))
        html = alice_console.get(tab(scheduled)).content.decode()
        assert '<dialog id="backfill-dialog"' in html and 'data-dialog-open="backfill-dialog"' in html
        form = {"start": "2026-04-01T11:00", "end": "2026-04-01T12:00", "max_concurrent": "2"}  # typed in UTC

        preview = alice_console.post(f"{tab(scheduled)}/backfill", {**form, "preview": "1"}, headers=HTMX)
        body = preview.content.decode()
        assert "<html" not in body and "5 slots: 4 new runs" in body
        assert body.count("<li>") == 5 and f"run {existing.pk}</a>" in body
        assert 'data-confirm="Create the backfill of 5 slots (4 new runs)?"' in body
        assert not JobBackfill.objects.exists()

        created = alice_console.post(f"{tab(scheduled)}/backfill", {**form, "confirm": "1"}, headers=HTMX)
        assert created["HX-Redirect"] == tab(scheduled)
    backfill = JobBackfill.objects.get()
    assert (backfill.slot_count, backfill.max_concurrent) == (5, 2)
    assert JobRun.objects.filter(backfill_id=backfill.pk).count() == 4


def test_the_backfill_form_shows_the_services_refusals(alice_console, scheduled):
    with clock.frozen(T0):
        future = {"start": "2026-04-01T11:00", "end": "2026-04-02T12:00", "max_concurrent": "1", "preview": "1"}
        body = alice_console.post(f"{tab(scheduled)}/backfill", future, headers=HTMX).content.decode()
        assert "A backfill covers past slots" in body and "backfill-preview" not in body
        empty = {"start": "2026-04-01T11:01", "end": "2026-04-01T11:02", "max_concurrent": "1", "preview": "1"}
        assert (
            "No slot of the schedule in the range."
            in alice_console.post(f"{tab(scheduled)}/backfill", empty, headers=HTMX).content.decode()
        )
        page = alice_console.get(f"{tab(scheduled)}/backfill").content.decode()  # without script: a page
    assert "<h1>Backfill quarterly</h1>" in page and not JobBackfill.objects.exists()
