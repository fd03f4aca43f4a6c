from django.urls import path

from apps.workloads.api.views import catalogs, compute_configs, jobs, queries, sessions, tools, versions

CATALOG = "workloads/catalogs/<str:catalog>"
JOB = "workloads/jobs/<str:job>"
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
