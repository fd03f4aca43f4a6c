"""The workloads console pages."""

from django.urls import path

from apps.workloads.views import (
    catalogs,
    compute_configs,
    job_drafts,
    job_wizard,
    jobs,
    landing,
    queries,
    runs,
    sessions,
)

SESSION = "workloads/sessions/<str:session_id>"
CATALOG = "workloads/catalogs/<str:catalog_id>"
QUERY = "workloads/queries/<str:query_id>"
JOB = "workloads/jobs/<str:job_id>"

urlpatterns = [
    path("workloads/", landing.workloads_home, name="workloads"),
    path("workloads/sessions/", sessions.sessions_page, name="workloads-sessions"),
    path("workloads/sessions/open", sessions.session_open, name="workloads-session-open"),
    path(f"{SESSION}/", sessions.session_detail, name="workloads-session"),
    path(f"{SESSION}/token", sessions.session_token, name="workloads-session-token"),
    path(f"{SESSION}/close", sessions.session_close, name="workloads-session-close"),
    path(f"{SESSION}/relaunch", sessions.session_relaunch, name="workloads-session-relaunch"),
    path("workloads/compute-configs/", compute_configs.compute_configs_page, name="workloads-compute-configs"),
    path("workloads/compute-configs/new", compute_configs.compute_config_new, name="workloads-compute-config-new"),
    path(
        "workloads/compute-configs/<str:config_id>/",
        compute_configs.compute_config_edit,
        name="workloads-compute-config",
    ),
    # Authoring: catalogs, saved queries, jobs (docs/workloads.md, "Console").
    path("workloads/catalogs/", catalogs.catalogs_page, name="workloads-catalogs"),
    path("workloads/catalogs/new", catalogs.catalog_new, name="workloads-catalog-new"),
    path(f"{CATALOG}/", catalogs.catalog_detail, name="workloads-catalog"),
    path(f"{CATALOG}/edit", catalogs.catalog_edit, name="workloads-catalog-edit"),
    path(f"{CATALOG}/delete", catalogs.catalog_delete, name="workloads-catalog-delete"),
    path("workloads/queries/", queries.queries_page, name="workloads-queries"),
    path("workloads/queries/new", queries.query_new, name="workloads-query-new"),
    path("workloads/queries/check", queries.sql_check, name="workloads-sql-check"),
    path(f"{QUERY}/", queries.query_detail, name="workloads-query"),
    path(f"{QUERY}/check", queries.query_check, name="workloads-query-check"),
    path(f"{QUERY}/delete", queries.query_delete, name="workloads-query-delete"),
    path("workloads/jobs/", jobs.jobs_page, name="workloads-jobs"),
    path("workloads/jobs/new/", job_wizard.wizard_start, name="workloads-job-new"),
    path("workloads/jobs/new/schedule-preview", job_wizard.schedule_preview_partial, name="workloads-schedule-preview"),
    path("workloads/jobs/new/<str:step>", job_wizard.wizard_step, name="workloads-job-new-step"),
    path(f"{JOB}/", jobs.job_overview, name="workloads-job"),
    path(f"{JOB}/versions", jobs.job_versions_tab, name="workloads-job-versions"),
    path(f"{JOB}/runs", jobs.job_runs_tab, name="workloads-job-runs"),
    path(f"{JOB}/teams", jobs.job_teams_tab, name="workloads-job-teams"),
    path(f"{JOB}/schedule", jobs.job_schedule_tab, name="workloads-job-schedule"),
    path(f"{JOB}/activate", jobs.job_activate, name="workloads-job-activate"),
    path(f"{JOB}/status", jobs.job_status, name="workloads-job-status"),
    path(f"{JOB}/teams/add", jobs.job_team_add, name="workloads-job-team-add"),
    path(f"{JOB}/teams/<str:team_id>/remove", jobs.job_team_remove, name="workloads-job-team-remove"),
    path(f"{JOB}/delete", jobs.job_delete, name="workloads-job-delete"),
    path(f"{JOB}/draft", job_drafts.draft_page, name="workloads-job-draft"),
    path(f"{JOB}/draft/new", job_drafts.draft_create, name="workloads-job-draft-new"),
    path(f"{JOB}/draft/save", job_drafts.draft_save, name="workloads-job-draft-save"),
    path(f"{JOB}/draft/diff", job_drafts.draft_diff, name="workloads-job-draft-diff"),
    path(f"{JOB}/draft/publish", job_drafts.draft_publish, name="workloads-job-draft-publish"),
    path(f"{JOB}/draft/discard", job_drafts.draft_discard, name="workloads-job-draft-discard"),
]

# Runs (docs/runs.md, "Console").
RUN = f"{JOB}/runs/<str:run_id>"
urlpatterns += [
    path("workloads/runs/", runs.runs_page, name="workloads-runs"),
    path(f"{JOB}/runs/recent", runs.job_runs_recent, name="workloads-job-runs-recent"),
    path(f"{JOB}/runs/new", runs.run_now, name="workloads-run-new"),
    path(f"{JOB}/runs/backfill", runs.backfill, name="workloads-run-backfill"),
    path(f"{RUN}/", runs.run_page, name="workloads-run"),
    path(f"{RUN}/log", runs.run_log_partial, name="workloads-run-log"),
    path(f"{RUN}/release", runs.run_release, name="workloads-run-release"),
    path(f"{RUN}/retry", runs.run_retry, name="workloads-run-retry"),
    path(f"{RUN}/cancel", runs.run_cancel, name="workloads-run-cancel"),
    path(f"{RUN}/delete", runs.run_delete, name="workloads-run-delete"),
]
