import secrets

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.identity.models import User
from apps.identity.services.accounts import organization_bootstrap

DEMO_EMAIL = "admin@lakesail.local"


class Command(BaseCommand):
    help = "Ensure the demo organization and its owner exist; print the credentials the first time."

    def handle(self, *args, **options) -> None:
        url = f"http://127.0.0.1:{settings.PORT}"
        if User.objects.filter(email=DEMO_EMAIL).exists():
            self.stdout.write(
                f"Console: {url}  (demo owner {DEMO_EMAIL} exists; its password was printed on first run)"
            )
            return
        password = secrets.token_urlsafe(12)
        org, _ = organization_bootstrap(name="Demo", email=DEMO_EMAIL, password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"\nLakeSail Console is ready at {url}\n"
                f"  organization: {org.name} ({org.pk})\n  email:    {DEMO_EMAIL}\n  password: {password}\n"
                "This password is shown once.\n"
            )
        )
