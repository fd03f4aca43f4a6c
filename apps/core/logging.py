"""Secrets that travel in URLs never reach our logs.

Invitation tokens are path segments (`/api/v1/org/invites/{token}[/accept]`, console `/invitations/{token}/`),
email verification and password reset tokens, OIDC codes and sign-in codes are query values
(`token=`, `code=`, `…token=`). Request logs (`django.server`, `django.request`, gunicorn's access log)
print URLs, so their handlers carry `RedactSecretsFilter`, which replaces those values with "[redacted]".
"""

import logging
import re
from typing import Any

from gunicorn.glogging import Logger as GunicornBaseLogger

REDACTED = "[redacted]"
_PATH_TOKEN = re.compile(r"(/(?:org/invites|invitations)/)[^/?#\s\"']+")
_QUERY_SECRET = re.compile(r"([?&;](?:[\w-]*token|code)=)[^&;#\s\"']+", re.IGNORECASE)


def redact(text: str) -> str:
    """`text` with the secrets of the URLs in it replaced by [redacted]."""
    return _QUERY_SECRET.sub(rf"\g<1>{REDACTED}", _PATH_TOKEN.sub(rf"\g<1>{REDACTED}", text))


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            # The arguments are already in the message; keeping them would print the secret again.
            record.msg, record.args = redacted, ()
        return True


_FILTER = RedactSecretsFilter()


class GunicornLogger(GunicornBaseLogger):
    """gunicorn's logger with the redaction on its access and error logs (set in gunicorn.conf.py)."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            log.addFilter(_FILTER)  # once: addFilter ignores a filter it already has
