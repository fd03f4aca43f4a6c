import pytest
from django.core.management import call_command

from apps.infra.models import Connection

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def test_the_demo_organization_gets_one_verified_local_connection(capsys):
    call_command("ensure_local_connection")
    assert "run `manage.py ensure_demo` first" in capsys.readouterr().out
    call_command("ensure_demo")
    call_command("ensure_local_connection")
    call_command("ensure_local_connection")
    [connection] = Connection.objects.all()
    assert (connection.provider, connection.status) == ("local", "active")
