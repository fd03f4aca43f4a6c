"""A real SMTP sink (aiosmtpd) on 127.0.0.1 for tests of flows that send email."""

import email
import email.policy
import re
import socket
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


class Sink:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


class Mailbox:
    """What the sink received, with helpers to read the latest message to someone."""

    def __init__(self, sink: Sink) -> None:
        self._sink = sink

    @property
    def messages(self) -> list[EmailMessage]:
        return list(self._sink.messages)

    def clear(self) -> None:
        self._sink.messages.clear()

    def last_to(self, address: str) -> EmailMessage:
        for message in reversed(self._sink.messages):
            if address.lower() in message["To"].lower():
                return message
        raise AssertionError(f"no email to {address}; got {[m['To'] for m in self._sink.messages]}")

    @staticmethod
    def body(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain", "html"))
        return part.get_content() if part else ""

    def first_link(self, address: str) -> str:
        match = re.search(r"https?://\S+", self.body(self.last_to(address)))
        assert match, "the email has no link"
        return match.group(0)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_sink() -> Iterator[tuple[Sink, int]]:
    sink = Sink()
    port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink, port
    controller.stop()


@pytest.fixture
def mailbox(smtp_sink, settings) -> Iterator[Mailbox]:
    """Route Django's email through the real SMTP sink for this test."""
    sink, port = smtp_sink
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    box = Mailbox(sink)
    box.clear()
    yield box
    box.clear()
