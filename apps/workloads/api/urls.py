from django.urls import path

from apps.workloads.api.views import (
    backfills,
    catalogs,
    compute_configs,
    jobs,
    queries,
    runs,
    sessions,
    tools,
    versions,
)

CATALOG = "workloads/catalogs/<str:catalog>"
JOB = "workloads/jobs/<str:job>"
JOB_RUN = f"{JOB}/runs/<str:jobRun>"
QUERY = "workloads/queries/<str:query>"
SESSION = "workloads/sessions/<str:session>"

urlpatterns = [
    path("me/catalogs", catalogs.MyCatalogsView.as_view()),
    path("workloads/catalogs", catalogs.CatalogsView.as_view()),
    path(CATALOG, catalogs.CatalogView.as_view()),
    path(f"{CATALOG}/teams", catalogs.CatalogTeamsView.as_view()),
    path(f"{CATALOG}/teams/<str:team>", catalogs.CatalogTeamView.as_view()),
    path(f"{CATALOG}/queries", catalogs.CatalogQueriesView.as_view()),
    path("workloads/teams/<str:team>/catalogs", catalogs.TeamCatalogsView.as_view()),
    path("me/jobs", jobs.MyJobsView.as_view()),
    path("workloads/jobs", jobs.JobsView.as_view()),
    path("workloads/schedule-preview", tools.SchedulePreviewView.as_view()),  # designed
    path(JOB, jobs.JobView.as_view()),
    path(f"{JOB}/activate-version", versions.ActivateVersionView.as_view()),
    path(f"{JOB}/draft", versions.DraftView.as_view()),
    path(f"{JOB}/draft/publish", versions.PublishView.as_view()),
    path(f"{JOB}/diff", tools.DiffView.as_view()),  # designed
    path(f"{JOB}/schedule", tools.JobScheduleView.as_view()),  # designed
    path(f"{JOB}/teams", jobs.JobTeamsView.as_view()),
    path(f"{JOB}/teams/<str:team>", jobs.JobTeamView.as_view()),
    path(f"{JOB}/versions", versions.VersionsView.as_view()),
    path(f"{JOB}/versions/<str:jobVersionNumber>", versions.VersionView.as_view()),
    path("workloads/teams/<str:team>/jobs", jobs.TeamJobsView.as_view()),
    path("workloads/clusters/<str:cluster>/jobs", jobs.ClusterJobsView.as_view()),
    path("me/jobs/runs", runs.MyRunsView.as_view()),
    path(f"{JOB}/runs", runs.RunsView.as_view()),
    path(JOB_RUN, runs.RunView.as_view()),
    path(f"{JOB_RUN}/ready", runs.RunReadyView.as_view()),
    path(f"{JOB_RUN}/retry", runs.RunRetryView.as_view()),
    path(f"{JOB_RUN}/cancel", runs.RunCancelView.as_view()),  # designed
    path(f"{JOB_RUN}/logs", runs.RunLogsView.as_view()),  # designed
    path(f"{JOB_RUN}/results", runs.RunResultsView.as_view()),  # designed
    path(f"{JOB}/backfill", backfills.BackfillView.as_view()),  # designed
    path(f"{JOB}/backfills/<str:backfill>", backfills.BackfillDetailView.as_view()),  # designed
    path(f"{JOB}/backfills/<str:backfill>/cancel", backfills.BackfillCancelView.as_view()),  # designed
    path(f"{JOB}/cost", runs.JobCostView.as_view()),  # designed
    path("me/queries", queries.MyQueriesView.as_view()),
    path("workloads/queries", queries.QueriesView.as_view()),
    path("workloads/queries/validate", queries.QueriesValidateView.as_view()),  # designed
    path(QUERY, queries.QueryView.as_view()),
    path(f"{QUERY}/teams", queries.QueryTeamsView.as_view()),
    path(f"{QUERY}/teams/<str:team>", queries.QueryTeamView.as_view()),
    path(f"{QUERY}/validate", queries.QueryValidateView.as_view()),  # designed
    path("workloads/teams/<str:team>/queries", queries.TeamQueriesView.as_view()),
    path("workloads/sessions", sessions.SessionsView.as_view()),
    path(SESSION, sessions.SessionView.as_view()),
    path(f"{SESSION}/token", sessions.SessionTokenView.as_view()),
    path(f"{SESSION}/relaunch", sessions.SessionRelaunchView.as_view()),
    path("workloads/compute-configs", compute_configs.ComputeConfigsView.as_view()),
    path("workloads/compute-configs/<str:config>", compute_configs.ComputeConfigView.as_view()),
]
