from django.core.management.base import BaseCommand, CommandParser

from apps.identity.services.accounts import organization_bootstrap


class Command(BaseCommand):
    help = "Create (idempotently) an organization and its owner account; prints the organization id."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="Organization name")
        parser.add_argument("--email", required=True, help="Owner's email")
        parser.add_argument("--password", required=True, help="Owner's password (used only when creating)")

    def handle(self, *args, org: str, email: str, password: str, **options) -> None:
        organization, _created = organization_bootstrap(name=org, email=email, password=password)
        self.stdout.write(organization.pk)
