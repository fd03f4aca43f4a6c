from django.apps import AppConfig


class InfraConfig(AppConfig):
    name = "apps.infra"
    label = "infra"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from apps.infra import signals  # noqa: F401  (connects the Celery worker_ready receiver)
