"""The workloads console pages."""

from django.urls import path

from apps.workloads.views import compute_configs, sessions

SESSION = "workloads/sessions/<str:session_id>"

urlpatterns = [
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
]
