"""What runs add to other pages: the dashboard's "Job runs" card, and the jobs and runs panels of a cluster's page."""

import datetime as dt
import re

import pytest

from apps.core import clock
from apps.workloads.services.runs import run_create
from tests.workloads.runs.conftest import make_job
from tests.workloads.runs.console.conftest import created_at, ended, running

pytestmark = pytest.mark.django_db


def card(html: str) -> str:
    return re.search(r"<h2[^>]*>Job runs</h2>(.*?)</section>", html, re.S).group(1)


def test_the_dashboard_card_counts_running_and_recent_failures_and_names_the_next_jobs(
    alice_console, author, team, runs_cluster, job, django_assert_max_num_queries
):
    now = dt.datetime(2026, 4, 2, 12, tzinfo=dt.UTC)
    running(run_create(principal=author, job=job))
    created_at(ended(run_create(principal=author, job=job), "failed"), now - dt.timedelta(hours=2))
    created_at(ended(run_create(principal=author, job=job), "failed"), now - dt.timedelta(hours=30))  # too old
    with clock.frozen(now - dt.timedelta(minutes=1)):
        soon = make_job(author, team, runs_cluster, key="soon", cronExpression="5 12 * * *")
        later = make_job(author, team, runs_cluster, key="later", cronExpression="0 18 * * *")
    with clock.frozen(now):
        html = alice_console.get("/").content.decode()
    slot = card(html)
    assert re.search(r'status=running"><span class="metric">1</span> <span class="label">running now', slot)
    assert re.search(r'created_after=2026-04-01T12:00"><span class="metric run-slot-failed">1</span>', slot)
    assert slot.index(f"/workloads/jobs/{soon.pk}/runs") < slot.index(f"/workloads/jobs/{later.pk}/runs")

    from apps.workloads.console_runs import runs_slot
    from tests.org.conftest import owner_principal

    fresh = owner_principal(author.user, author.org)
    with django_assert_max_num_queries(4):  # grants, two counts, the next jobs
        runs_slot(fresh)


def test_the_card_is_left_out_for_someone_who_may_see_no_job(bob_console, job):
    assert "Job runs</h2>" not in bob_console.get("/").content.decode()


def test_the_cluster_page_lists_its_jobs_and_its_active_runs(alice_console, author, team, runs_cluster, job):
    other = make_job(author, team, runs_cluster, key="other")
    waiting = run_create(principal=author, job=other, hold=True)
    done = ended(run_create(principal=author, job=job))
    html = alice_console.get(f"/infra/clusters/{runs_cluster.provisioned_cluster_id}/").content.decode()
    jobs = re.search(r"Jobs on this cluster</h2>(.*?)</section>", html, re.S).group(1)
    assert f'href="/workloads/jobs/{job.pk}/">nightly</a>' in jobs and "other</a>" in jobs
    runs = re.search(r"Runs on this cluster</h2>(.*?)</section>", html, re.S).group(1)
    assert f"/runs/{waiting.pk}/" in runs and "held" in runs and done.pk not in runs  # only what has not ended


def test_the_panels_show_only_what_the_viewer_may_see(vera_console, author, acme, runs_cluster, job):
    from apps.org.services.teams import team_create

    hidden_team = team_create(principal=author, name="Finance")
    hidden = make_job(author, hidden_team, runs_cluster, key="payroll")
    run_create(principal=author, job=hidden, hold=True)
    html = vera_console.get(f"/infra/clusters/{runs_cluster.provisioned_cluster_id}/").content.decode()
    assert "nightly" in html and "payroll" not in html


def test_the_cluster_page_lists_its_open_sessions(alice_console, author, team, runs_cluster):
    from apps.workloads.services.compute_configs import compute_config_create
    from apps.workloads.services.sessions import session_create

    config = compute_config_create(
        principal=author, name="Notebook", workload_type="spark_connect", cluster_id=runs_cluster.pk, team_id=team.pk
    )
    session = session_create(principal=author, endpoint_type="spark_connect", workload_config_id=config.pk)
    html = alice_console.get(f"/infra/clusters/{runs_cluster.provisioned_cluster_id}/").content.decode()
    panel = re.search(r"Sessions on this cluster</h2>(.*?)</section>", html, re.S).group(1)
    assert f'href="/workloads/sessions/{session.pk}/">{session.name}</a>' in panel
