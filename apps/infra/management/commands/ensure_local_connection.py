from django.core.management.base import BaseCommand

from apps.core.principal import Principal
from apps.identity.management.commands.ensure_demo import DEMO_EMAIL
from apps.identity.models import User
from apps.infra.models import Connection, ProviderKey
from apps.infra.services.connections import connection_create, connection_verify
from apps.org.models import Member


class Command(BaseCommand):
    help = "Give the demo organization a verified `local` connection (Sail on this machine), once."

    def handle(self, *args, **options) -> None:
        member = Member.objects.select_related("organization", "user").filter(user__email=DEMO_EMAIL).first()
        if member is None:
            self.stdout.write("No demo organization: run `manage.py ensure_demo` first.")
            return
        org = member.organization
        if Connection.objects.filter(organization=org, provider=ProviderKey.LOCAL).exists():
            return
        owner = Principal(user=User.objects.get(pk=member.user_id), org=org, member=member)
        connection = connection_create(principal=owner, name="This machine", provider=ProviderKey.LOCAL)
        connection = connection_verify(principal=owner, connection=connection)
        self.stdout.write(f"Local connection {connection.name} ({connection.pk}): {connection.status}")
