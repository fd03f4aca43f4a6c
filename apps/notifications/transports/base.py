"""The transport interface: configure a channel (validate what is written, split what is shown from what is
secret), summarize it, and send a message. Each channel type is one small class in its own module."""

import json
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.conf import settings

from apps.core import http
from apps.notifications.messages import Message
from apps.notifications.models import Channel


class TransportError(Exception):
    """A send that did not work; `permanent` ones are not retried (a refused address, a 4xx answer)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


@dataclass(frozen=True)
class Owner:
    """Whose channel is being configured (the recipients an email channel may name depend on it)."""

    organization_id: str
    team_id: str | None
    member_id: str | None


@dataclass
class Configured:
    """A validated configuration: `config` is shown by the API, `secrets` never; `shown_once` is returned by the
    response that created it (a generated signing secret); `errors` are keyed by wire path under configWrite."""

    config: dict[str, Any] = field(default_factory=dict)
    secrets: dict[str, Any] = field(default_factory=dict)
    shown_once: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    code: str = "invalid_input"  # address_not_allowed: the outbound policy refused a URL


class Transport:
    type: ClassVar[str]
    supports_digest: ClassVar[bool] = True

    def configure(
        self, write: dict[str, Any], *, current: Configured | None, owner: Owner
    ) -> Configured:  # pragma: no cover - each transport defines it
        raise NotImplementedError

    def summary(self, config: dict[str, Any]) -> str:  # pragma: no cover - each transport defines it
        raise NotImplementedError

    def send(self, channel: Channel, message: Message) -> str:  # pragma: no cover - each transport defines it
        """Deliver, or raise TransportError; returns a short note for the delivery log."""
        raise NotImplementedError


def secrets_of(channel: Channel) -> dict[str, Any]:
    return json.loads(channel.secrets) if channel.secrets else {}


def post(url: str, *, what: str, **kwargs: Any) -> http.Response:
    """POST through the outbound policy; an answer that says "try again later" is transient, other 4xx permanent."""
    try:
        response = http.post(url, timeout=settings.NOTIFICATIONS_SEND_TIMEOUT_SECONDS, **kwargs)
    except http.OutboundRefused as exc:
        raise TransportError(f"{what}: {exc}", permanent=True) from exc
    except http.OutboundError as exc:
        raise TransportError(f"{what}: {exc}") from exc
    if response.ok:
        return response
    detail = response.body[:200].decode(errors="replace").strip()
    message = f"{what} answered HTTP {response.status}" + (f": {detail}" if detail else "")
    raise TransportError(message, permanent=response.status < 500 and response.status not in (408, 425, 429))


def check_outbound_url(url: Any, field_name: str, configured: Configured) -> str:
    """An http(s) URL the outbound policy allows: refused when the channel is configured, not at the first send.
    The policy runs again at every connection (a name may resolve elsewhere later)."""
    if not isinstance(url, str) or not url.strip():
        configured.errors[field_name] = "Required."
        return ""
    url = url.strip()
    if len(url) > 2000:
        configured.errors[field_name] = "At most 2000 characters."
        return ""
    try:
        http.check_url(url)
    except http.OutboundRefused:
        configured.errors[field_name] = "Must be an http or https URL with a host."
        return ""
    try:
        http.check_destination(url)
    except http.OutboundRefused:
        configured.errors[field_name] = "Address not allowed."
        configured.code = "address_not_allowed"
        return ""
    return url
