"""What runs add to the console's shared registries (registered by `console_registrations.register`): the dashboard's
"Job runs" card, and the "Jobs on this cluster" and "Runs on this cluster" panels of infra's cluster page. Each reads
through the domain's selectors (what a person may not see never shows) in a query or two."""

import datetime as dt
from typing import Any

from apps.core import clock, dashboard_slots
from apps.core.principal import Principal
from apps.infra import cluster_panels
from apps.infra.models import Cluster
from apps.org.access import grants, has
from apps.workloads.models import ACTIVE_RUN_STATUSES, OPEN_STATUSES, JobRunStatus, JobStatus
from apps.workloads.selectors.jobs import cluster_jobs, job_list
from apps.workloads.selectors.runs import RunFilters, my_runs
from apps.workloads.selectors.sessions import session_list

VIEW = "CanViewJobs"
FAILED_WINDOW = dt.timedelta(hours=24)
NEXT_SCHEDULED = 3
PANEL_ROWS = 20


def _may_view(principal: Principal) -> bool:
    return has(principal, VIEW) or bool(grants(principal).teams_with(VIEW))


def runs_slot(principal: Principal) -> dict[str, Any] | None:
    """Runs running now, runs that failed among those created in the last 24 hours, and the next scheduled jobs (each
    count is what its link into the runs list shows)."""
    if not _may_view(principal):
        return None
    since = clock.now() - FAILED_WINDOW
    failed = RunFilters(statuses=(JobRunStatus.FAILED,), created_after=since)
    upcoming = (
        job_list(principal=principal)
        .prefetch_related(None)
        .filter(status=JobStatus.ACTIVE, next_run_at__isnull=False)
        .order_by("next_run_at", "id")
    )
    return {
        "running": my_runs(principal=principal).filter(status=JobRunStatus.RUNNING).count(),
        "failed": my_runs(principal=principal, filters=failed).count(),
        "since": since,
        "next": list(upcoming[:NEXT_SCHEDULED]),
    }


def jobs_panel(principal: Principal, cluster_id: str) -> dict[str, Any] | None:
    """The jobs whose current version runs on the cluster."""
    if not _may_view(principal):
        return None
    jobs = cluster_jobs(principal=principal, cluster=Cluster(pk=cluster_id)).prefetch_related(None)
    return {"jobs": list(jobs.order_by("job_key", "id")[:PANEL_ROWS])}


def runs_panel(principal: Principal, cluster_id: str) -> dict[str, Any] | None:
    """The runs on the cluster that have not ended: executing, or waiting for it."""
    if not _may_view(principal):
        return None
    runs = my_runs(principal=principal).filter(cluster_id=cluster_id, status__in=ACTIVE_RUN_STATUSES)
    return {"runs": list(runs.select_related("job")[:PANEL_ROWS])}


def sessions_panel(principal: Principal, cluster_id: str) -> dict[str, Any] | None:
    """The open Spark Connect sessions on the cluster that the principal may see."""
    sessions = session_list(principal=principal).filter(compute_config__cluster_id=cluster_id, status__in=OPEN_STATUSES)
    return {"sessions": list(sessions.order_by("-created_at", "-id")[:PANEL_ROWS])}


def register() -> None:
    dashboard_slots.register("runs", title="Job runs", template="workloads/runs/slot.html", context=runs_slot, order=60)
    cluster_panels.register(
        "jobs", title="Jobs on this cluster", template="workloads/runs/cluster_jobs.html", context=jobs_panel, order=10
    )
    cluster_panels.register(
        "runs", title="Runs on this cluster", template="workloads/runs/cluster_runs.html", context=runs_panel, order=20
    )
    cluster_panels.register(
        "sessions",
        title="Sessions on this cluster",
        template="workloads/sessions_cluster_panel.html",
        context=sessions_panel,
        order=30,
    )
