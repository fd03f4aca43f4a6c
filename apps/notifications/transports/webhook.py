"""Signed webhooks: a JSON body (docs/notifications.md), signed with the channel's secret, to a URL the
outbound policy allows, with optional custom headers whose values are write-only."""

import json
import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from apps.core import clock
from apps.notifications import payloads
from apps.notifications.messages import Message
from apps.notifications.models import Channel
from apps.notifications.signing import SIGNATURE_HEADER, new_secret, signature
from apps.notifications.transports.base import (
    Configured,
    Owner,
    Transport,
    check_outbound_url,
    post,
    secrets_of,
)

MAX_HEADERS = 10
_HEADER_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}")
# Set by the console on every request: a custom header cannot replace them.
RESERVED_HEADERS = frozenset(
    h.lower()
    for h in ("Content-Type", "Content-Length", "Host", "User-Agent", "Transfer-Encoding", "Connection", "Cookie")
)
USER_AGENT = "LakeSail-Notifications/1"


def display_url(url: str) -> str:
    """The URL without its query and credentials, which may carry tokens: what `config.url` shows."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _headers(raw: Any, out: Configured) -> dict[str, str]:
    if not isinstance(raw, dict):
        out.errors["configWrite.headers"] = "Must be an object of header names to values."
        return {}
    if len(raw) > MAX_HEADERS:
        out.errors["configWrite.headers"] = f"At most {MAX_HEADERS} headers."
        return {}
    headers: dict[str, str] = {}
    for name, value in raw.items():
        where = f"configWrite.headers.{name}"
        lowered = name.lower()
        if not _HEADER_NAME.fullmatch(name):
            out.errors[where] = "Not a valid header name."
        elif lowered in RESERVED_HEADERS or lowered.startswith("lakesail-"):
            out.errors[where] = "Set by the console; cannot be replaced."
        elif not isinstance(value, str) or len(value) > 1000 or re.search(r"[\x00-\x1f\x7f]", value):
            out.errors[where] = "Must be text of at most 1000 characters, on one line."
        else:
            headers[name] = value
    return headers


class WebhookTransport(Transport):
    type = "webhook"

    def configure(self, write: dict[str, Any], *, current: Configured | None, owner: Owner) -> Configured:
        out = Configured(secrets=dict(current.secrets) if current else {})
        if "url" in write or current is None:
            out.secrets["url"] = check_outbound_url(write.get("url"), "configWrite.url", out)
        if write.get("secret") is not None:
            secret = write["secret"]
            if not isinstance(secret, str) or not 16 <= len(secret) <= 200:
                out.errors["configWrite.secret"] = "Must be 16 to 200 characters."
            out.secrets["secret"] = secret
        elif not out.secrets.get("secret"):
            out.secrets["secret"] = out.shown_once["secret"] = new_secret()
        if "headers" in write:
            out.secrets["headers"] = _headers(write["headers"] or {}, out)
        out.config = {
            "memberId": None,
            "teamId": None,
            "url": display_url(out.secrets["url"]) if out.secrets.get("url") else "",
            "secretConfigured": True,
            "headerNames": sorted(out.secrets.get("headers", {})),
        }
        return out

    def summary(self, config: dict[str, Any]) -> str:
        return config.get("url", "")

    def send(self, channel: Channel, message: Message) -> str:
        secrets = secrets_of(channel)
        body = json.dumps(payloads.webhook(message), separators=(",", ":"), sort_keys=True).encode()
        headers = {
            **secrets.get("headers", {}),
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "LakeSail-Delivery": message.delivery_id,
            "LakeSail-Event": payloads.webhook_type(message),
            SIGNATURE_HEADER: signature(secrets["secret"], int(clock.now().timestamp()), body),
        }
        response = post(secrets["url"], what="The webhook", headers=headers, data=body)
        return f"HTTP {response.status}"
