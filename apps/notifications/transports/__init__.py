"""Channel types: one transport class each (email, webhook, slack, pagerduty)."""

from apps.notifications.transports.base import Configured, Owner, Transport, TransportError, secrets_of
from apps.notifications.transports.email import EmailTransport
from apps.notifications.transports.pagerduty import PagerDutyTransport
from apps.notifications.transports.slack import SlackTransport
from apps.notifications.transports.webhook import WebhookTransport

TRANSPORTS: dict[str, Transport] = {
    t.type: t for t in (EmailTransport(), WebhookTransport(), SlackTransport(), PagerDutyTransport())
}


def transport_for(channel_type: str) -> Transport:
    return TRANSPORTS[channel_type]


__all__ = ["TRANSPORTS", "Configured", "Owner", "Transport", "TransportError", "secrets_of", "transport_for"]
