from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from apps.core import lookups  # noqa: F401  (registers `__any`)
        from apps.core.api import schema  # noqa: F401  (registers the OpenAPI auth extensions)
        from apps.core.api.fields import install_strict_types

        install_strict_types()
