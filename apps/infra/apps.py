from django.apps import AppConfig


class InfraConfig(AppConfig):
    name = "apps.infra"
    label = "infra"
    default_auto_field = "django.db.models.BigAutoField"
