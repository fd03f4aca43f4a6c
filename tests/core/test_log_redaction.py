"""Tokens in URLs never reach our logs; without SMTP, emails are logged without their links and codes."""

import io
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail import get_connection

from apps.core.logging import RedactSecretsFilter, redact
from apps.identity import emails

TOKEN = "Zk3_qP9-abcDEFghiJKLmnoPQRstuVWxyz0123456789"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            f'"POST /api/v1/org/invites/{TOKEN}/accept HTTP/1.1" 200 512',
            '"POST /api/v1/org/invites/[redacted]/accept HTTP/1.1" 200 512',
        ),
        (f'"GET /api/v1/org/invites/{TOKEN} HTTP/1.1" 200', '"GET /api/v1/org/invites/[redacted] HTTP/1.1" 200'),
        (f"Not Found: /invitations/{TOKEN}/", "Not Found: /invitations/[redacted]/"),
        (f"GET /reset-password/?token={TOKEN}", "GET /reset-password/?token=[redacted]"),
        (f"GET /verify-email/?next=/&token={TOKEN}&x=1", "GET /verify-email/?next=/&token=[redacted]&x=1"),
        ("GET /sso/callback?code=abc123&state=xyz", "GET /sso/callback?code=[redacted]&state=xyz"),
        (f"GET /x?trustedDeviceToken={TOKEN}", "GET /x?trustedDeviceToken=[redacted]"),
        ("GET /api/v1/org/invites?limit=10 HTTP/1.1", "GET /api/v1/org/invites?limit=10 HTTP/1.1"),
        ("GET /api/v1/org/teams?search=code HTTP/1.1", "GET /api/v1/org/teams?search=code HTTP/1.1"),
    ],
)
def test_secrets_in_urls_are_redacted(line, expected):
    assert redact(line) == expected


def log_through(logger_name: str, message: str, *args) -> str:
    """What a handler carrying the filter writes for one record."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecretsFilter())
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    try:
        logger.error(message, *args)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_the_filter_redacts_the_formatted_message_and_drops_its_arguments():
    out = log_through("tests.redaction", '"%s" %s %s', f"POST /api/v1/org/invites/{TOKEN}/accept HTTP/1.1", "200", "5")
    assert TOKEN not in out and "/org/invites/[redacted]/accept" in out and '" 200 5' in out


def configured_handler(logger_name: str) -> logging.Handler:
    """The handler LOGGING gives this logger (pytest adds its own capture handlers next to it)."""
    logger = logging.getLogger(logger_name)
    while not any(type(h) is logging.StreamHandler for h in logger.handlers):
        logger = logger.parent
    return next(h for h in logger.handlers if type(h) is logging.StreamHandler)


def written_by(logger_name: str, emit) -> str:
    handler = configured_handler(logger_name)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        emit(logging.getLogger(logger_name))
    finally:
        handler.setStream(previous)
    return stream.getvalue()


def test_the_development_server_request_log_is_redacted():
    # The record django.core.servers.basehttp.WSGIRequestHandler.log_message makes for each request.
    out = written_by(
        "django.server",
        lambda log: log.info(
            '"%s" %s %s',
            f"GET /invitations/{TOKEN}/ HTTP/1.1",
            "404",
            "179",
            extra={"request": None, "server_time": "now", "status_code": 404},
        ),
    )
    assert '"GET /invitations/[redacted]/ HTTP/1.1" 404 179' in out and TOKEN not in out


def test_a_server_error_on_an_invitation_is_logged_without_its_token():
    # django.request logs the path of every 5xx through the root handler.
    out = written_by(
        "django.request", lambda log: log.error("Internal Server Error: %s", f"/api/v1/org/invites/{TOKEN}/accept")
    )
    assert "Internal Server Error: /api/v1/org/invites/[redacted]/accept" in out and TOKEN not in out


# --- the email backend without EMAIL_URL ---


def _configured_email_backend(**env: str) -> str:
    """EMAIL_BACKEND as settings.py chooses it for this environment (in a fresh interpreter: pytest-django swaps
    in its locmem backend here, and the test run's own EMAIL_URL, if any, must not decide the answer)."""
    environ = {k: v for k, v in os.environ.items() if k != "EMAIL_URL"} | env
    code = "import lakesail_console.settings as s; print(s.EMAIL_BACKEND)"
    done = subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_without_email_url_the_configured_backend_is_the_log_backend():
    assert _configured_email_backend() == "apps.core.mail.LogEmailBackend"
    assert _configured_email_backend(EMAIL_URL="smtp://127.0.0.1:2525") == "django.core.mail.backends.smtp.EmailBackend"


def send_login_code(alice, code: str = "493817") -> None:
    emails.send_login_code(user=alice, code=code, minutes=10)


def test_the_sign_in_code_is_in_the_body_only(alice):
    send_login_code(alice)
    message = mail.outbox[-1]
    assert "493817" in message.body
    assert "493817" not in message.subject and message.subject == "LakeSail: your sign-in code"


@pytest.fixture
def log_backend(settings):
    settings.EMAIL_BACKEND = "apps.core.mail.LogEmailBackend"
    return get_connection()


def test_outside_debug_the_log_backend_logs_recipients_and_subject_only(alice, log_backend, settings, caplog, capsys):
    settings.DEBUG = False
    link = f"http://127.0.0.1:8000/reset-password/?token={TOKEN}"
    with caplog.at_level(logging.INFO, logger="apps.core.mail"):
        emails.send_password_reset(user=alice, link=link)
        send_login_code(alice)
    logged = caplog.text + capsys.readouterr().out
    assert "alice@acme.test" in logged and "reset your password" in logged and "your sign-in code" in logged
    assert TOKEN not in logged and "493817" not in logged and "Hello" not in logged


def test_outside_debug_a_secret_in_a_subject_is_redacted(log_backend, settings, caplog):
    settings.DEBUG = False
    with caplog.at_level(logging.INFO, logger="apps.core.mail"):
        mail.send_mail("Your code is 493817, link /invitations/abc/", "body", None, ["a@b.test"])
    assert "493817" not in caplog.text and "/invitations/abc/" not in caplog.text
    assert "Your code is [redacted], link /invitations/[redacted]/" in caplog.text


def test_with_debug_the_log_backend_prints_the_whole_message(alice, log_backend, settings, capsys):
    settings.DEBUG = True
    send_login_code(alice)
    out = capsys.readouterr().out
    assert "493817" in out and "Subject: LakeSail: your sign-in code" in out


# --- gunicorn's access log, through the repository's gunicorn.conf.py ---

REPOSITORY = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except urllib.error.HTTPError:
            return  # an answer, whichever
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.integration
def test_gunicorns_access_log_is_redacted(tmp_path: Path):
    port = free_port()
    access_log = tmp_path / "access.log"
    command = [
        *(sys.executable, "-m", "gunicorn", "lakesail_console.wsgi", "--bind", f"127.0.0.1:{port}"),
        *("--workers", "1", "--access-logfile", str(access_log)),
    ]
    server = subprocess.Popen(command, cwd=REPOSITORY, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # An unauthenticated API request: answered without touching a database.
        request_until_up(f"http://127.0.0.1:{port}/api/v1/org/invites/{TOKEN}/accept?code=123456")
        deadline = time.monotonic() + 10
        while "invites" not in (access_log.read_text() if access_log.exists() else ""):
            assert time.monotonic() < deadline, "gunicorn wrote no access log line"
            time.sleep(0.1)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    logged = access_log.read_text()
    assert "/api/v1/org/invites/[redacted]/accept?code=[redacted]" in logged
    assert TOKEN not in logged and "123456" not in logged
