from django.apps import AppConfig


class WorkloadsConfig(AppConfig):
    name = "apps.workloads"
    label = "workloads"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from apps.infra.hooks import set_active_runs_counter
        from apps.workloads import console_registrations, run_tasks, schedule_tasks, session_tasks  # noqa: F401  (registers their Celery tasks)
        from apps.workloads.services import run_dispatch, run_execution, session_lifecycle

        session_lifecycle.connect()
        console_registrations.register()
        run_execution.connect()
        set_active_runs_counter(run_dispatch.executing_runs_per_cluster)
