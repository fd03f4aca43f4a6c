"""The emails of the sign-in flows: plain text, links built on settings.CONSOLE_BASE_URL.

Sent synchronously: each is the last step of its service call, and the caller must know at
once when the mail server refuses the message.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from apps.identity.models import User


def console_url(path: str) -> str:
    return settings.CONSOLE_BASE_URL + path


def _send(to: str, subject: str, template: str, **context: object) -> None:
    body = render_to_string(f"identity/emails/{template}.txt", context)
    send_mail(f"LakeSail: {subject}", body, None, [to])


def send_email_verification(*, to: str, user: User, link: str) -> None:
    _send(to, "verify your email address", "verify_email", user=user, link=link)


def send_login_code(*, user: User, code: str, minutes: int) -> None:
    # The code stays in the body: subjects show on lock screens and in mail logs.
    _send(user.email, "your sign-in code", "login_code", user=user, code=code, minutes=minutes)


def send_password_reset(*, user: User, link: str, welcome: bool = False) -> None:
    subject = "set your password" if welcome else "reset your password"
    _send(user.email, subject, "password_reset", user=user, link=link, welcome=welcome)


def send_signup_attempt(*, user: User, reset_link: str) -> None:
    """Someone tried to sign up with an address that has an account: its owner hears of it, the form does not."""
    _send(user.email, "someone tried to sign up with your address", "signup_attempt", user=user, link=reset_link)


def send_temporary_password_notice(*, user: User) -> None:
    _send(user.email, "an administrator reset your password", "temporary_password", user=user)
