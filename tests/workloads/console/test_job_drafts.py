"""The draft editor: create, autosave guarded by the draft's ETag (the API's), 412 saying who changed it and when,
overwrite, the diff, publish, discard."""

from html import unescape

import pytest

from apps.workloads.models import JobVersion
from apps.workloads.services.job_versions import draft_create, draft_update
from tests.workloads.console.conftest import HTMX

pytestmark = pytest.mark.django_db


def _form(page: str, **changes) -> dict:
    """The editor's fields as the page shows them (what a browser would send), with some changed."""
    import re

    fields = {
        "kind": "sql",
        "sql": "",
        "query": "",
        "python": "",
        "description": "",
        "cluster": re.search(r'<option value="([^"]+)" selected>', page.split('name="cluster"')[1]).group(1),
        "execution_mode": "",
        "cron_expression": "30 2 * * *",
        "cron_timezone": "UTC",
        "concurrency_policy": "skip",
        "max_concurrent_runs": "1",
        "missed_schedule_policy": "latest",
    }
    fields["sql"] = page.split('data-code-editor="sql"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0].strip()
    fields["etag"] = unescape(page.split('name="etag" value="', 1)[1].split('"', 1)[0])
    return {**fields, **changes}


def _api_etag(api, job) -> str:
    return api.get(f"/workloads/jobs/{job.pk}/draft")["ETag"]


@pytest.fixture
def editor(alice_console, author, job):
    alice_console.post(f"/workloads/jobs/{job.pk}/draft/new")
    return alice_console.get(f"/workloads/jobs/{job.pk}/draft").content.decode()


def test_without_a_draft_the_page_offers_to_create_one(alice_console, job):
    html = alice_console.get(f"/workloads/jobs/{job.pk}/draft").content.decode()
    assert "No draft" in html and f"/workloads/jobs/{job.pk}/draft/new" in html
    assert alice_console.post(f"/workloads/jobs/{job.pk}/draft/new")["Location"] == f"/workloads/jobs/{job.pk}/draft"
    assert JobVersion.objects.filter(job=job, status="draft", number=2).exists()


def test_autosave_carries_the_apis_etag_and_saves(alice_console, api, job, editor):
    form = _form(editor, sql="SELECT 2 AS two")
    assert form["etag"] == _api_etag(api, job)  # the console and API clients guard against each other
    response = alice_console.post(
        f"/workloads/jobs/{job.pk}/draft/save", form, headers={**HTMX, "If-Match": form["etag"]}
    )
    assert response.status_code == 200 and "Saved" in response.content.decode()
    assert response["ETag"] == _api_etag(api, job) != form["etag"] and "draftSaved" in response["HX-Trigger"]
    draft = JobVersion.objects.get(job=job, status="draft")
    assert draft.config["sql"] == {"source": "SELECT 2 AS two"} and draft.cron_expression == "30 2 * * *"
    diff = alice_console.get(f"/workloads/jobs/{job.pk}/draft/diff", headers=HTMX).content.decode()
    assert "config.sql.source" in diff and "SELECT 2 AS two" in diff


def test_a_stale_etag_gets_412_naming_who_changed_the_draft(
    alice_console, bob, team, member_of_team, job, editor, acme
):
    from apps.core.actor import acting_as
    from tests.org.conftest import owner_principal

    member_of_team(bob, team)
    bob_principal = owner_principal(bob, acme)
    with acting_as(bob.pk):  # as the API sets it for Bob's request
        draft_update(principal=bob_principal, job=job, changes={"description": "Bob was here"})
    form = _form(editor, sql="SELECT 3")
    response = alice_console.post(
        f"/workloads/jobs/{job.pk}/draft/save", form, headers={**HTMX, "If-Match": form["etag"]}
    )
    html = response.content.decode()
    assert response.status_code == 412 and "Changed by Bob" in html and "Reload" in html and "Overwrite" in html
    assert JobVersion.objects.get(job=job, status="draft").description == "Bob was here"
    # Overwrite: the page sends again with the ETag the 412 gave.
    overwrite = unescape(html.split('data-overwrite-etag="', 1)[1].split('"', 1)[0])
    assert overwrite == response["ETag"]
    saved = alice_console.post(f"/workloads/jobs/{job.pk}/draft/save", form, headers={**HTMX, "If-Match": overwrite})
    assert saved.status_code == 200
    draft = JobVersion.objects.get(job=job, status="draft")
    assert draft.config["sql"]["source"] == "SELECT 3" and draft.description == ""


def test_invalid_input_is_not_saved_and_says_why(alice_console, job, editor):
    form = _form(editor, cron_expression="61 * * * *")
    response = alice_console.post(
        f"/workloads/jobs/{job.pk}/draft/save", form, headers={**HTMX, "If-Match": form["etag"]}
    )
    assert response.status_code == 400 and "Not saved" in response.content.decode()
    assert JobVersion.objects.get(job=job, status="draft").cron_expression == "30 2 * * *"
    page = alice_console.post(f"/workloads/jobs/{job.pk}/draft/save", form)  # without script: the whole page
    assert page.status_code == 400 and "has-error" in page.content.decode()


def test_the_save_button_without_script_uses_the_etag_field(alice_console, author, job, editor):
    form = _form(editor, description="by hand")
    assert alice_console.post(f"/workloads/jobs/{job.pk}/draft/save", form).status_code == 302
    stale = alice_console.post(f"/workloads/jobs/{job.pk}/draft/save", {**form, "description": "again"})
    assert stale.status_code == 412
    assert JobVersion.objects.get(job=job, status="draft").description == "by hand"


def test_the_publish_dialog_shows_the_diff_then_publishes(alice_console, author, job, editor):
    draft_update(principal=author, job=job, changes={"cronExpression": "0 6 * * *"})
    dialog = alice_console.get(f"/workloads/jobs/{job.pk}/draft/publish", headers=HTMX).content.decode()
    assert "<html" not in dialog and "cronExpression" in dialog and "0 6 * * *" in dialog
    etag = unescape(dialog.split('name="etag" value="', 1)[1].split('"', 1)[0])
    published = alice_console.post(f"/workloads/jobs/{job.pk}/draft/publish", {"etag": etag})
    job.refresh_from_db()
    assert published["Location"] == f"/workloads/jobs/{job.pk}/versions"
    assert job.current_version.number == 2 and job.current_version.cron_expression == "0 6 * * *"


def test_discard(alice_console, job, editor):
    html = alice_console.get(f"/workloads/jobs/{job.pk}/draft").content.decode()
    assert 'data-confirm="Discard draft version 2' in html
    alice_console.post(f"/workloads/jobs/{job.pk}/draft/discard")
    assert not JobVersion.objects.filter(job=job, status="draft").exists()


def test_another_org_and_a_viewer_cannot_touch_the_draft(charlie_console, vera_console, author, job):
    draft_create(principal=author, job=job, changes={})
    assert charlie_console.post(f"/workloads/jobs/{job.pk}/draft/save", {}).status_code == 404
    assert charlie_console.get(f"/workloads/jobs/{job.pk}/draft/publish").status_code == 404
    assert vera_console.post(f"/workloads/jobs/{job.pk}/draft/publish", {}).status_code == 403
    assert vera_console.post(f"/workloads/jobs/{job.pk}/draft/discard").status_code == 403
