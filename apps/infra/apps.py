from django.apps import AppConfig


class InfraConfig(AppConfig):
    name = "apps.infra"
    label = "infra"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from apps.infra import console_registrations, signals  # noqa: F401  (signals: the worker_ready reaper)
        from apps.infra.providers import aws  # noqa: F401  (registers the aws provider)
        from apps.infra.providers.local import provider  # noqa: F401  (registers the local provider)
        from apps.infra.services import health

        health.connect()
        console_registrations.register()
