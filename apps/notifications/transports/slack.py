"""Slack: an incoming-webhook URL (a secret: it is the credential), Block Kit messages (docs/notifications.md)."""

from typing import Any
from urllib.parse import urlsplit

from apps.notifications import payloads
from apps.notifications.messages import Message
from apps.notifications.models import Channel
from apps.notifications.transports.base import (
    Configured,
    Owner,
    Transport,
    check_outbound_url,
    post,
    secrets_of,
)


class SlackTransport(Transport):
    type = "slack"

    def configure(self, write: dict[str, Any], *, current: Configured | None, owner: Owner) -> Configured:
        out = Configured(secrets=dict(current.secrets) if current else {})
        if "url" in write or current is None:
            out.secrets["url"] = check_outbound_url(write.get("url"), "configWrite.url", out)
        host = urlsplit(out.secrets.get("url") or "").hostname or ""
        out.config = {"memberId": None, "teamId": None, "host": host, "urlConfigured": bool(out.secrets.get("url"))}
        return out

    def summary(self, config: dict[str, Any]) -> str:
        return f"Slack ({config.get('host') or 'incoming webhook'})"

    def send(self, channel: Channel, message: Message) -> str:
        post(secrets_of(channel)["url"], what="Slack", json=payloads.slack(message))
        return "Posted to Slack."
