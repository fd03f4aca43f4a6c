"""PagerDuty: Events API v2 with the service's routing key (a secret). A failure triggers an incident keyed by
its job or cluster; the next recovery of the same job or cluster resolves it. No digests: incidents are one by one."""

import re
from typing import Any

from django.conf import settings

from apps.notifications import payloads
from apps.notifications.messages import Message
from apps.notifications.models import Channel
from apps.notifications.transports.base import Configured, Owner, Transport, post, secrets_of

_ROUTING_KEY = re.compile(r"[A-Za-z0-9]{20,64}")


class PagerDutyTransport(Transport):
    type = "pagerduty"
    supports_digest = False

    def configure(self, write: dict[str, Any], *, current: Configured | None, owner: Owner) -> Configured:
        out = Configured(secrets=dict(current.secrets) if current else {})
        if "routingKey" in write or current is None:
            key = write.get("routingKey")
            if not isinstance(key, str) or not _ROUTING_KEY.fullmatch(key):
                out.errors["configWrite.routingKey"] = "An Events API v2 integration key: 20 to 64 letters and digits."
            out.secrets["routingKey"] = key
        out.config = {"memberId": None, "teamId": None, "routingKeyConfigured": bool(out.secrets.get("routingKey"))}
        return out

    def summary(self, config: dict[str, Any]) -> str:
        return "PagerDuty service"

    def send(self, channel: Channel, message: Message) -> str:
        routing_key = secrets_of(channel)["routingKey"]
        events = payloads.pagerduty(message, routing_key)
        for event in events:
            post(settings.NOTIFICATIONS_PAGERDUTY_EVENTS_URL, what="PagerDuty", json=event)
        return ", ".join(e["event_action"] for e in events) + " sent to PagerDuty."
