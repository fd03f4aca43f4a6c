"""A run's page: header, status timeline, why it waits (with a link to what it waits for), the live log tail by
offset, the results table; release, retry, cancel and delete through the services, each behind a confirmation."""

import re

import pytest

from apps.infra.models import ProvisionedCluster
from apps.workloads.models import JobRun, JobRunStatus
from apps.workloads.runner import RunPaths
from apps.workloads.services.run_states import locked_run, move
from apps.workloads.services.runs import new_run, run_create
from tests.workloads.runs.conftest import make_job
from tests.workloads.runs.console.conftest import HTMX, T0, ended, running

pytestmark = pytest.mark.django_db
S = JobRunStatus


def url(run, tail: str = "") -> str:
    return f"/workloads/jobs/{run.job_id}/runs/{run.pk}/{tail}"


def test_a_held_run_shows_its_reason_the_timeline_and_a_release_button(alice_console, author, job):
    run = run_create(principal=author, job=job, hold=True)
    html = alice_console.get(url(run)).content.decode()
    assert f"<h1>Run {run.pk} " in html and "badge-pending" in html
    assert "Why it waits:</strong>\n    it is held" in html
    assert f'data-confirm="Release run {run.pk} of nightly?' in html
    assert f'data-confirm="Cancel run {run.pk} of nightly?' in html and "Delete run" not in html  # still active
    assert 'hx-trigger="every 2s"' in html  # the top polls until the run ended
    assert html.count('<li><span class="badge badge-pending">pending</span>') == 1  # the timeline's first status
    assert "Held: release it to run." in html
    assert 'href="/workloads/jobs/' in html and "Version 1</a> (current)" in html
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
    assert "nightly" in crumbs and ">Runs</a>" in crumbs and f'aria-current="page">Run {run.pk}</li>' in crumbs


def test_release_retry_cancel_and_delete_change_the_run(alice_console, author, job):
    run = run_create(principal=author, job=job, hold=True)
    response = alice_console.post(url(run, "release"))
    assert response.status_code == 302 and response["Location"] == url(run)
    run.refresh_from_db()
    assert run.status == S.READY and not run.hold

    alice_console.post(url(run, "cancel"))
    run.refresh_from_db()
    assert run.status == S.CANCELLED
    page = alice_console.get(url(run)).content.decode()
    assert 'hx-trigger="every 2s"' not in page  # ended: the top stops polling
    assert f'data-confirm="Retry run {run.pk} of nightly' in page and f'data-confirm="Delete run {run.pk}' in page

    alice_console.post(url(run, "retry"), {"hold": "on"})
    run.refresh_from_db()
    assert (run.status, run.pending_reason, run.attempt, run.trigger) == (S.PENDING, "held", 2, "retry")
    timeline = alice_console.get(url(run)).content.decode()
    assert [s for s in re.findall(r'<li><span class="badge [\w-]+">([\w ]+)</span>', timeline)] == [
        "pending",
        "ready",
        "cancelled",
        "pending",
    ]

    refused = alice_console.post(url(run, "delete"), HTTP_REFERER=f"http://testserver{url(run)}", follow=True)
    assert "Only a run that ended can be deleted" in refused.content.decode()
    assert JobRun.objects.filter(pk=run.pk).exists()
    alice_console.post(url(run, "cancel"))
    deleted = alice_console.post(url(run, "delete"))
    assert deleted["Location"] == f"/workloads/jobs/{job.pk}/runs" and not JobRun.objects.filter(pk=run.pk).exists()


def test_an_executing_run_is_asked_to_stop(alice_console, author, job):
    run = running(run_create(principal=author, job=job))
    alice_console.post(url(run, "cancel"))
    run.refresh_from_db()
    assert run.status == S.RUNNING and run.cancel_requested_at is not None
    html = alice_console.get(url(run)).content.decode()
    assert "Cancelling since" in html and "Cancel run" not in html


def test_a_viewer_sees_no_buttons_and_cannot_act(vera_console, author, job):
    run = run_create(principal=author, job=job, hold=True)
    html = vera_console.get(url(run)).content.decode()
    assert "it is held" in html and "Release</button>" not in html and "Cancel run" not in html
    assert vera_console.post(url(run, "release")).status_code == 403
    run.refresh_from_db()
    assert run.status == S.PENDING


def test_someone_without_view_gets_403_and_another_org_404(alice_console, bob_console, charlie_console, author, job):
    run = run_create(principal=author, job=job, hold=True)
    refused = bob_console.get(url(run))
    assert refused.status_code == 403 and "CanViewJobs" in refused.content.decode()
    for tail in ("", "log?offset=0", "release", "cancel"):
        call = charlie_console.get if tail in ("", "log?offset=0") else charlie_console.post
        assert call(url(run, tail)).status_code == 404
    other_job = make_job(author, job.team_links.first().team, job.current_version.cluster, key="other")
    # Another job's run under this job's path is not found.
    assert alice_console.get(f"/workloads/jobs/{other_job.pk}/runs/{run.pk}/").status_code == 404


def test_pending_reasons_link_to_what_the_run_waits_for(alice_console, author, team, runs_cluster, job):
    ProvisionedCluster.objects.filter(pk=runs_cluster.provisioned_cluster_id).update(iac_outputs={})
    waiting = run_create(principal=author, job=job)
    assert waiting.pending_reason == "cluster_unavailable"
    html = alice_console.get(url(waiting)).content.decode()
    cluster_link = (
        f'<a href="/infra/clusters/{runs_cluster.provisioned_cluster_id}/">the cluster {runs_cluster.name}</a>'
    )
    assert cluster_link in html and "is not active" in html

    upstream = make_job(author, team, runs_cluster, key="extract")
    downstream = make_job(author, team, runs_cluster, key="load", dependsOn=[{"jobKey": "extract"}])
    ProvisionedCluster.objects.filter(pk=runs_cluster.provisioned_cluster_id).update(
        iac_outputs={"sparkConnectUrl": "sc://127.0.0.1:9"}
    )
    # A scheduled run waits for its upstream's run of the same slot (a manual run would not wait).
    first = new_run(job=upstream, version=upstream.current_version, trigger="schedule", scheduled_for=T0, hold=True)
    after = new_run(job=downstream, version=downstream.current_version, trigger="schedule", scheduled_for=T0)
    assert (after.pending_reason, after.pending_detail["runId"]) == ("waiting_for_dependency", first.pk)
    html = alice_console.get(url(after)).content.decode()
    assert f'runs after <a href="/workloads/jobs/{upstream.pk}/runs/{first.pk}/">extract&#x27;s run</a>' in html
    assert "succeeds for the same schedule window" in html


def test_the_log_tail_appends_chunks_by_offset_until_complete(alice_console, author, job, data_dir):
    run = running(run_create(principal=author, job=job))
    logs = RunPaths.for_run(run.pk).create().logs
    (logs / "stdout.log").write_text("first line\n")
    page = alice_console.get(url(run)).content.decode()
    assert 'id="run-log-text"' in page and "\nfirst line\n</pre>" in page
    poll = re.search(r'hx-get="([^"]+offset=11)" hx-trigger="load delay:2s"', page).group(1).replace("&amp;", "&")

    nothing = alice_console.get(poll, headers=HTMX).content.decode()
    assert "hx-swap-oob" not in nothing and "offset=11" in nothing  # nothing new: ask again, same offset

    with (logs / "stdout.log").open("a") as log:
        log.write("second <line>\n")
    chunk = alice_console.get(poll, headers=HTMX).content.decode()
    assert '<span hx-swap-oob="beforeend:#run-log-text" data-chunk-offset="11">second &lt;line&gt;\n</span>' in chunk
    assert "offset=25" in chunk and "first line" not in chunk

    move(locked_run(run.pk), S.SUCCEEDED)
    last = alice_console.get(poll.replace("offset=11", "offset=25"), headers=HTMX).content.decode()
    assert "data-log-complete" in last and "hx-get" not in last  # ended and read to the end: the tail stops

    stderr = alice_console.get(url(run, "log?stream=stderr"), headers=HTMX).content.decode()
    assert 'aria-current="page">stderr</a>' in stderr and "End of the log" in stderr
    assert alice_console.get(url(run, "log?stream=kernel"), headers=HTMX).status_code == 400


def test_a_long_log_shows_its_end(alice_console, author, job, data_dir):
    run = ended(run_create(principal=author, job=job))
    logs = RunPaths.for_run(run.pk).create().logs
    (logs / "runner.log").write_text("".join(f"line {i:06}\n" for i in range(10_000)))  # 120 kB
    html = alice_console.get(url(run, "?stream=runner")).content.decode()
    assert "line 009999" in html and "line 000000" not in html and "of this log are not shown" in html


def test_the_results_table_shows_the_preview(alice_console, author, job):
    preview = {
        "columns": [{"name": "day", "type": "date"}, {"name": "total", "type": "bigint"}],
        "rows": [["2026-04-01", 42], ["2026-04-02", None]],
    }
    run = ended(run_create(principal=author, job=job), preview=preview, row_count=1000, output_path="/data/out")
    html = alice_console.get(url(run)).content.decode()
    assert '<th scope="col">day <small class="muted">date</small></th>' in html
    assert "<td>2026-04-01</td><td>42</td>" in html and '<span class="muted">NULL</span>' in html
    assert "1000 rows: the first 2 shown" in html and "/data/out" in html
    failed = ended(run_create(principal=author, job=job), "failed", message="Table not found: sales")
    html = alice_console.get(url(failed)).content.decode()
    assert "Results" not in html and "Table not found: sales" in html and "badge-failed" in html
