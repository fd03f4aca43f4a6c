from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seed_system_roles(sender, **kwargs) -> None:
    # New system roles or bundles in code reach existing organizations on the next migrate.
    from apps.org.models import Organization
    from apps.org.services.organizations import system_roles_ensure

    for org in Organization.objects.all():
        system_roles_ensure(org=org)


class OrgConfig(AppConfig):
    name = "apps.org"
    label = "org"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from apps.org import console_registrations

        post_migrate.connect(_seed_system_roles, sender=self)
        console_registrations.register()
