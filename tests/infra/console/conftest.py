import pytest
from django.test import Client

from tests.org.test_console_pages import console_as

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def console(alice) -> Client:
    """Alice, owner of Acme, signed in to the console."""
    return console_as(alice)


@pytest.fixture
def bob_console(bob) -> Client:
    """Bob, a plain member of Acme: sees connections and networks, manages nothing of infra."""
    return console_as(bob)


@pytest.fixture
def charlie_console(charlie) -> Client:
    """Charlie, owner of Globex: never sees Acme's infrastructure."""
    return console_as(charlie)


def text(response) -> str:
    return response.content.decode()
