from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils.text import slugify

from apps.identity.models import User
from apps.identity.services.users import user_create
from apps.org.models import Organization
from apps.org.services.organizations import member_add, organization_create


class Command(BaseCommand):
    help = "Create (idempotently) an organization and its owner account; prints the organization id."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="Organization name")
        parser.add_argument("--email", required=True, help="Owner's email")
        parser.add_argument("--password", required=True, help="Owner's password (used only when creating)")

    @transaction.atomic
    def handle(self, *args, org: str, email: str, password: str, **options) -> None:
        organization = Organization.objects.filter(slug=slugify(org)[:63]).first() or organization_create(name=org)
        user = User.objects.filter(email=email.strip().lower()).first() or user_create(email=email, password=password)
        member_add(org=organization, user=user, role_keys=["owner"])
        self.stdout.write(organization.pk)
