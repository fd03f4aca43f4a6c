"""The email backend when no EMAIL_URL is set: nothing is delivered, and the log keeps no secret."""

import logging
import re
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend

from apps.core.logging import REDACTED, redact

log = logging.getLogger(__name__)

# A word with a digit, six characters or more: a code or a token, never the words of a subject.
_SECRET_WORD = re.compile(r"\b(?=[\w-]*\d)[\w-]{6,}\b")


def redact_subject(subject: str) -> str:
    return _SECRET_WORD.sub(REDACTED, redact(subject))


class LogEmailBackend(DjangoConsoleBackend):
    """With DEBUG, prints the whole message as Django's console backend does (links and codes included).

    Otherwise logs the recipients and a redacted subject only: reset links and sign-in codes are
    credentials, and a production log is read by more people than the mailbox.
    """

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if settings.DEBUG:
            return super().send_messages(email_messages)
        for message in email_messages:
            log.info(
                "email not sent (no EMAIL_URL): to %s, subject %r",
                ", ".join(message.recipients()),
                redact_subject(str(message.subject)),
            )
        return len(email_messages)
