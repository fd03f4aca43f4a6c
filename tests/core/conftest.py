import pytest
from django.test import Client

from apps.identity.services.logins import login_create
from apps.identity.sessions import SESSION_LOGIN_KEY


@pytest.fixture
def owner_console(alice) -> Client:
    """Alice, owner of Acme, signed in to the console (a session tied to a Login, as the sign-in page makes)."""
    client = Client()
    client.force_login(alice, backend="apps.identity.backends.EmailBackend")
    login, _token = login_create(user=alice)
    session = client.session
    session[SESSION_LOGIN_KEY] = login.pk
    session.save()
    return client
