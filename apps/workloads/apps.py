from django.apps import AppConfig


class WorkloadsConfig(AppConfig):
    name = "apps.workloads"
    label = "workloads"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from apps.workloads import session_tasks  # noqa: F401  (registers the session tasks with Celery)
        from apps.workloads.services import session_lifecycle

        session_lifecycle.connect()
