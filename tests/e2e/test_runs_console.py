"""The runs console in a real browser, with a real Celery worker and the session's Sail server as the cluster's
server: a job's runs tab, Run now held, the run page saying why it waits, Release (confirmed), then the status, the
timeline, the log and the results following the run to `succeeded` without a reload; back on the tab, the run and
its bar in the duration trend. The page's console listener stays strict: no script error, no CSP violation."""

import re

import pytest
from playwright.sync_api import Page, expect

from apps.workloads.models import JobRun
from apps.workloads.services.runs import run_create
from tests.conftest import PASSWORD
from tests.e2e.test_console_lists import log_in
from tests.e2e.test_console_people import AXE, SERIOUS, VARIANTS, strict_page  # noqa: F401  (a fixture)
from tests.workloads.conftest import author, team  # noqa: F401  (fixtures)
from tests.workloads.runs.conftest import (  # noqa: F401  (fixtures)
    _module_runs_worker,
    make_job,
    runs_cluster,
    runs_worker,
    sail_cluster,
)
from tests.workloads.runs.console.conftest import ended

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

SLOW = 90_000  # ms: the worker dispatches, and Sail runs the query
SQL = "SELECT id, id * 10 AS tenfold FROM range(3) ORDER BY id"


def test_hold_release_and_follow_a_run_to_succeeded(live_server, page: Page, runs_worker, author, team, sail_cluster):  # noqa: F811
    job = make_job(author, team, sail_cluster, key="tenfold", config={"sql": {"source": SQL}})
    base = live_server.url
    log_in(page, base, f"/workloads/jobs/{job.pk}/runs")
    expect(page.get_by_role("heading", name="No runs yet")).to_be_visible()

    page.get_by_label("Hold").check()
    page.get_by_role("button", name="Run now").click()
    expect(page).to_have_url(re.compile(r"/runs/\w+/$"))
    run = JobRun.objects.get(job=job)
    expect(page.locator("#run-status")).to_have_text("pending")
    expect(page.locator("#pending-reason")).to_contain_text("it is held")

    page.once("dialog", lambda dialog: dialog.accept())  # the confirmation
    page.get_by_role("button", name="Release").click()
    expect(page.locator(".toast")).to_contain_text("Released")
    page.evaluate("window.notReloaded = true")

    # Polling alone brings the rest: the status, the timeline, the results and the log's end.
    expect(page.locator("#run-status")).to_have_text("succeeded", timeout=SLOW)
    assert page.evaluate("window.notReloaded === true")
    steps = page.locator(".run-timeline li .badge")
    expect(steps.first).to_have_text("pending")
    expect(steps.last).to_have_text("succeeded")
    expect(page.locator(".run-results thead th")).to_have_text(["id int64", "tenfold int64"])
    expect(page.locator(".run-results tbody tr")).to_have_count(3)
    expect(page.locator(".run-results tbody tr").nth(2).locator("td")).to_have_text(["2", "20"])
    page.get_by_role("link", name="runner", exact=True).click()
    expect(page.locator("#run-log-poller")).to_contain_text("End of the log", timeout=SLOW)
    expect(page.locator("#run-log-text")).not_to_be_empty()

    page.locator(".breadcrumbs").get_by_role("link", name="Runs").click()
    row = page.locator(f'tr[data-run="{run.pk}"]')
    expect(row.locator("[data-status]")).to_have_text("succeeded")
    expect(page.locator("rect.trend-bar.trend-succeeded")).to_have_count(1)


@pytest.mark.parametrize("strict_page", VARIANTS, ids=[f"{w}-{t}" for w, t in VARIANTS], indirect=True)
def test_the_runs_pages_fit_read_and_run_clean(live_server, strict_page: Page, author, team, runs_cluster):  # noqa: F811
    """At a phone's and a laptop's width, light and dark: no sideways scroll, no serious axe finding, no CSP error."""
    job = make_job(author, team, runs_cluster, key="nightly-sales-rollup", cronExpression="*/30 * * * *")
    preview = {
        "columns": [{"name": "region", "type": "string"}, {"name": "total", "type": "bigint"}],
        "rows": [["north-west-and-some-long-region-name", 42], ["south", None]],
    }
    done = ended(run_create(principal=author, job=job), preview=preview, row_count=2, estimated_cost="0.0021")
    ended(run_create(principal=author, job=job), "failed", seconds=40, message="Table or view not found: sales")
    ended(run_create(principal=author, job=job), "cancelled", seconds=20)
    held = run_create(principal=author, job=job, hold=True)
    page, base = strict_page, live_server.url
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill("alice@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Corp")
    problems = {}
    for name, path in {
        "dashboard": "/",
        "runs": "/workloads/runs/",
        "runs tab": f"/workloads/jobs/{job.pk}/runs",
        "succeeded run": f"/workloads/jobs/{job.pk}/runs/{done.pk}/",
        "held run": f"/workloads/jobs/{job.pk}/runs/{held.pk}/",
        "backfill": f"/workloads/jobs/{job.pk}/runs/backfill",
    }.items():
        page.goto(f"{base}{path}")
        expect(page.locator("main h1")).to_be_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        page.add_script_tag(url=AXE)
        violations = page.evaluate(SERIOUS)
        if overflow > 0 or violations:
            problems[name] = {"sideways scroll (px)": overflow, "axe": violations}
    assert not problems, problems
    page.goto(f"{base}/workloads/jobs/{job.pk}/runs")
    page.get_by_role("button", name="Backfill…").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    page.add_script_tag(url=AXE)
    assert page.evaluate(SERIOUS) == []
