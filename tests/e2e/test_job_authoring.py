"""Authoring a job in a real browser: the wizard (SQL typed in the code editor, checked on Sail, the schedule
previewed), then a draft edited with autosave, its diff, publish, and version 1 activated again. The page fixture fails
the test on any console error or CSP violation (the vendored CodeMirror styles itself through constructed stylesheets
in a shadow root, and types over a selection itself: Chrome's own editing would add a refused inline style)."""

import pytest
from playwright.sync_api import Page, expect

from apps.org.services.teams import team_create
from apps.workloads.models import Job
from apps.workloads.sql_validation import stop_warm_servers
from tests.e2e.test_console_lists import log_in
from tests.org.conftest import owner_principal
from tests.workloads.conftest import usable_cluster

pytestmark = [pytest.mark.e2e, pytest.mark.integration]
SAIL_START_MS = 90_000


@pytest.fixture
def data_team_with_cluster(alice, acme):
    owner = owner_principal(alice, acme)
    team = team_create(principal=owner, name="Data")
    usable_cluster(owner, team)
    yield team
    stop_warm_servers()


def _type_code(page: Page, field_id: str, text: str) -> None:
    editor = page.locator(f'[data-editor-for="{field_id}"] .cm-content')
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_create_a_sql_job_edit_its_draft_publish_and_roll_back(live_server, page: Page, alice, data_team_with_cluster):
    base = live_server.url
    log_in(page, base, "/workloads/jobs/")
    page.get_by_role("link", name="New job").click()

    page.get_by_label("Job key", exact=True).fill("daily-sales")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("SQL written here", exact=True).check()
    expect(page.get_by_label("Saved query", exact=True)).to_be_hidden()  # the code step shows the kind chosen
    _type_code(page, "id_sql", "SELECT 1 AS one")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Cluster", exact=True).select_option(label="Jobs (active)")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Cron expression", exact=True).fill("30 2 * * *")
    page.get_by_label("Time zone", exact=True).fill("America/New_York")
    expect(page.locator("#schedule-preview")).to_contain_text("At 02:30 every day")
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Next").click()  # no dependencies
    page.get_by_label("Data", exact=True).check()
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Step 7 of 7: Review")).to_be_visible()
    expect(page.locator("#sql-problems")).to_contain_text("Valid:", timeout=SAIL_START_MS)
    page.get_by_role("button", name="Create job").click()
    expect(page.locator("#toasts")).to_contain_text("Job daily-sales created: version 1.")
    expect(page.get_by_role("heading", name="Current version: 1")).to_be_visible()

    page.get_by_role("button", name="Edit (new draft)").click()
    expect(page.get_by_role("heading", name="daily-sales: draft version 2")).to_be_visible()
    _type_code(page, "id_sql", "SELECT 2 AS two")
    expect(page.locator("#draft-status")).to_contain_text("Saved")
    expect(page.locator("#draft-diff")).to_contain_text("config.sql.source")
    expect(page.locator("#draft-diff")).to_contain_text("+ SELECT 2 AS two")

    page.get_by_role("link", name="Publish…").click()
    dialog = page.locator("#publish-dialog")
    expect(dialog).to_contain_text("- SELECT 1 AS one")
    dialog.get_by_role("button", name="Publish version 2").click()
    expect(page.locator("#toasts")).to_contain_text("Version 2 published: it is current.")

    page.once("dialog", lambda confirm: confirm.accept())
    page.get_by_role("button", name="Activate version 1").click()
    expect(page.locator("#toasts")).to_contain_text("Version 1 of daily-sales is current.")
    job = Job.objects.select_related("current_version").get(job_key="daily-sales")
    assert (job.current_version.number, job.latest_version) == (1, 2)
    assert job.current_version.config["sql"]["source"] == "SELECT 1 AS one"
