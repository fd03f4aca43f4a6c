"""The one answer to "which address sent this request?", for throttling, lockouts and login records."""

from django.conf import settings
from django.http import HttpRequest
from rest_framework.request import Request

from apps.core.networks import in_networks, networks, parse_address


def client_ip(request: HttpRequest | Request) -> str:
    """REMOTE_ADDR; behind a trusted proxy, the right-most X-Forwarded-For address that is not a trusted proxy.

    Each proxy appends the address it received the request from, so the entries right of the first
    untrusted one were written by our proxies; anything to its left the client wrote itself. Without
    settings.TRUSTED_PROXIES (the default) the header is ignored: anyone can send it.
    """
    remote = request.META.get("REMOTE_ADDR") or ""
    trusted = networks(settings.TRUSTED_PROXIES)
    remote_ip = parse_address(remote)
    if remote_ip is None or not in_networks(remote_ip, trusted):
        return remote
    client = remote
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        hop = parse_address(entry.strip())
        if hop is None:
            break  # our proxies write addresses; this text came from further left
        client = str(hop)
        if not in_networks(hop, trusted):
            break
    return client
