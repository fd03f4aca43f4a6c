"""The runs list: every run the viewer may see, live while one has not ended, filtered, in keyset pages, with the
same number of queries whatever the page holds."""

import datetime as dt
import re

import pytest

from apps.workloads.models import JobRun
from apps.workloads.services.runs import run_create, run_retry
from tests.workloads.runs.conftest import make_job
from tests.workloads.runs.console.conftest import HTMX, T0, created_at, ended

pytestmark = pytest.mark.django_db
LIST = "/workloads/runs/"


def rows(html: str) -> list[str]:
    return re.findall(r'<tr data-run="(\w+)">', html)


def test_it_lists_the_runs_with_duration_cost_and_polls_while_one_is_active(alice_console, author, job):
    done = ended(run_create(principal=author, job=job), seconds=125, estimated_cost="0.012345")
    held = run_create(principal=author, job=job, hold=True)
    html = alice_console.get(LIST).content.decode()
    assert rows(html) == [held.pk, done.pk]  # newest first
    assert "2 min 05 s" in html and "$0.0123" in html and "nightly" in html
    assert 'aria-current="page">Runs</a>' in html and 'aria-current="page">Runs</li>' in html  # subnav, breadcrumb
    assert re.search(r'<tbody id="run-rows" hx-get="/workloads/runs/\?part=rows" hx-trigger="every 2s"', html)
    assert "held" in html

    polled = alice_console.get(f"{LIST}?part=rows", headers=HTMX).content.decode()
    assert polled.lstrip().startswith("<tbody") and "<html" not in polled and 'hx-trigger="every 2s"' in polled
    ended(held, "failed")
    polled = alice_console.get(f"{LIST}?part=rows", headers=HTMX).content.decode()
    assert "hx-trigger" not in polled and "failed" in polled  # every run ended: the poll stops


def test_filters_by_status_trigger_job_and_creation_window(alice_console, author, team, runs_cluster, job):
    other = make_job(author, team, runs_cluster, key="hourly")
    early = ended(run_create(principal=author, job=job), "failed")
    late = run_create(principal=author, job=other, hold=True)
    retried = ended(run_create(principal=author, job=job), "cancelled")
    run_retry(principal=author, run=retried, hold=True)
    created_at(early, T0)
    created_at(late, T0 + dt.timedelta(hours=2))
    created_at(retried, T0 + dt.timedelta(hours=2, minutes=1))

    def listed(query: str) -> list[str]:
        response = alice_console.get(f"{LIST}?{query}", headers=HTMX)
        assert response.status_code == 200
        return rows(response.content.decode())

    assert listed("status=failed") == [early.pk]
    assert listed("trigger=retry") == [retried.pk]
    assert listed(f"job={other.pk}") == [late.pk]
    # Typed in the viewer's timezone (their browser's, from the tz cookie): 14:30 in Paris is 12:30 UTC.
    alice_console.cookies["tz"] = "Europe/Paris"
    assert set(listed("created_after=2026-04-01T14:30")) == {late.pk, retried.pk}
    assert listed("created_before=2026-04-01T14:30") == [early.pk]
    assert listed("status=succeeded") == []
    assert "No runs match" in alice_console.get(f"{LIST}?status=succeeded").content.decode()
    # A value that is not one filters nothing (and says so on the field).
    html = alice_console.get(f"{LIST}?status=exploded").content.decode()
    assert len(rows(html)) == 3 and "Select a valid choice" in html


def test_keyset_pages(alice_console, author, job):
    made = [run_create(principal=author, job=job, hold=True).pk for _ in range(30)]
    for i, pk in enumerate(made):
        JobRun.objects.filter(pk=pk).update(created_at=T0 + dt.timedelta(seconds=i))
    first = alice_console.get(LIST).content.decode()
    assert rows(first) == made[::-1][:25] and "« Newest" not in first
    older = re.search(r'href="(/workloads/runs/\?marker=[\w-]+)"', first).group(1)
    second = alice_console.get(older).content.decode()
    assert rows(second) == made[::-1][25:] and "Older runs" not in second and "« Newest" in second


def test_the_list_costs_the_same_queries_for_1_or_25_runs(
    alice_console, author, team, runs_cluster, job, django_assert_max_num_queries
):
    run_create(principal=author, job=job, hold=True)
    with django_assert_max_num_queries(8) as one:
        alice_console.get(LIST)
    jobs = [make_job(author, team, runs_cluster, key=f"etl-{i}") for i in range(3)]  # rows of several jobs
    for i in range(30):
        ended(run_create(principal=author, job=jobs[i % 3]), "succeeded" if i % 2 else "failed")
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = alice_console.get(LIST).content.decode()
    assert len(rows(html)) == 25


def test_someone_who_may_see_no_job_gets_a_403_and_another_org_sees_nothing(bob_console, charlie_console, author, job):
    run = run_create(principal=author, job=job, hold=True)
    response = bob_console.get(LIST)
    assert response.status_code == 403
    html = response.content.decode()
    assert "Permission needed" in html and "CanViewJobs" in html and "<nav" in html  # the styled page, in the shell
    listed = charlie_console.get(LIST).content.decode()
    assert run.pk not in listed and "No runs yet" in listed


def test_a_team_viewer_sees_the_runs_of_the_teams_jobs(vera_console, author, job):
    run = run_create(principal=author, job=job, hold=True)
    assert rows(vera_console.get(LIST).content.decode()) == [run.pk]


def test_the_window_filter_uses_created_at(alice_console, author, job):
    run = created_at(run_create(principal=author, job=job, hold=True), T0)
    after = (T0 + dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    assert rows(alice_console.get(f"{LIST}?created_after={after}", headers=HTMX).content.decode()) == []
    assert rows(alice_console.get(f"{LIST}?created_before={after}", headers=HTMX).content.decode()) == [run.pk]
