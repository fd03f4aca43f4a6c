"""Where the current request comes from (IP, user agent, request id), for the audit records it writes.

`AuditContextMiddleware` sets it for each request, after `RequestIdMiddleware` (whose id it copies);
outside a request (tasks, commands) there is none and audit records say the system acted.
"""

import ipaddress
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

from apps.core.actor import acting_as
from apps.core.client_ip import client_ip

USER_AGENT_LENGTH = 512


@dataclass(frozen=True)
class RequestInfo:
    ip: str | None
    user_agent: str
    request_id: str


_request: ContextVar[RequestInfo | None] = ContextVar("audit_request", default=None)


def current_request() -> RequestInfo | None:
    return _request.get()


def _ip(value: str | None) -> str | None:
    # Whatever is not an address (a test client's placeholder) is not recorded as one.
    try:
        return str(ipaddress.ip_address(value or ""))
    except ValueError:
        return None


def request_info(request: HttpRequest) -> RequestInfo:
    return RequestInfo(
        ip=_ip(client_ip(request)),
        user_agent=request.headers.get("User-Agent", "")[:USER_AGENT_LENGTH],
        request_id=str(getattr(request, "request_id", "")),
    )


@contextmanager
def in_request(info: RequestInfo) -> Iterator[None]:
    token = _request.set(info)
    try:
        yield
    finally:
        _request.reset(token)


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The actor the request names ends with it (a thread serving requests one after another keeps none).
        with in_request(request_info(request)), acting_as(None):
            return self.get_response(request)
