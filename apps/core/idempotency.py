"""`Idempotency-Key` on every POST under /api/v1/: a retried request gets the first response, never a second effect.

The first response to a (principal, key) pair (status, the headers that describe the body, the body) is kept
for 24 h in the shared cache, encrypted because it may hold a secret shown once, and replayed with
`Idempotent-Replayed: true` to a request with the same method, path and body. The same key on another request
is refused with 422 (`idempotency_key_reused`). While the first request still runs, a duplicate waits up to
`WAIT_SECONDS` for its response, then gets 409 (`idempotency_request_in_progress`, retryable).

2xx and 4xx responses are kept (a retry would get the same answer), except 401 (no credential ran the request:
a key sent without one must not reserve it for the client address) and 429, which says "try again"; 5xx are not
kept (a retry may succeed). The principal is the credential (`apps.core.caller.principal_key`); without one,
the client IP stands in.
"""

import base64
import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from apps.core.api.exceptions import api_error_response
from apps.core.cache import CacheLock
from apps.core.caller import principal_key
from apps.core.client_ip import client_ip
from apps.core.crypto import decrypt, encrypt
from apps.core.errors import ApplicationError, Conflict, InvalidInput

KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
API_PREFIX = "/api/v1/"
TTL_SECONDS = 24 * 3600
RUNNING_TTL_SECONDS = 120  # longer than a request may run (gunicorn's default timeout is 30 s)
WAIT_SECONDS = 1.0
POLL_SECONDS = 0.05
KEPT_HEADERS = ("Content-Type", "ETag", "Location", "Content-Disposition")
_VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # 1 to 255 visible ASCII characters


class IdempotencyKeyReused(ApplicationError):
    status = 422
    code = "idempotency_key_reused"


class IdempotentRequestInProgress(Conflict):
    code = "idempotency_request_in_progress"
    retryable = True


@dataclass(frozen=True)
class Scope:
    """One key of one principal: where its response is kept, and the lock held while its first request runs."""

    principal: str
    key: str

    @classmethod
    def of(cls, request: HttpRequest, key: str) -> "Scope":
        return cls(principal_key(request) or f"ip:{client_ip(request)}", key)

    @property
    def _digest(self) -> str:
        return hashlib.sha256(f"{self.principal}\0{self.key}".encode()).hexdigest()

    @property
    def record_key(self) -> str:
        return f"idempotency:record:{self._digest}"

    def running(self, fingerprint: str) -> CacheLock:
        return CacheLock(f"idempotency:running:{self._digest}", ttl=RUNNING_TTL_SECONDS, payload=fingerprint)


def fingerprint(request: HttpRequest) -> str:
    """What makes two requests "the same request" for a key: method, path with query, and body."""
    digest = hashlib.sha256(f"{request.method}\0{request.get_full_path()}\0".encode())
    digest.update(request.body)
    return digest.hexdigest()


def _load(scope: Scope) -> dict[str, Any] | None:
    stored = cache.get(scope.record_key)
    return json.loads(decrypt(stored)) if stored else None


def _keeps(response: HttpResponse) -> bool:
    status = response.status_code
    return not response.streaming and (200 <= status < 300 or (400 <= status < 500 and status not in (401, 429)))


def _store(scope: Scope, fingerprint: str, response: HttpResponse) -> None:
    record = {
        "fingerprint": fingerprint,
        "status": response.status_code,
        "headers": {name: response[name] for name in KEPT_HEADERS if response.has_header(name)},
        "body": base64.b64encode(response.content).decode(),
    }
    cache.set(scope.record_key, encrypt(json.dumps(record)), TTL_SECONDS)


def _answer(request: HttpRequest, record: dict[str, Any], fingerprint: str) -> HttpResponse:
    if record["fingerprint"] != fingerprint:
        return _reused(request)
    response = HttpResponse(base64.b64decode(record["body"]), status=record["status"])
    for name, value in record["headers"].items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def _reused(request: HttpRequest) -> HttpResponse:
    return api_error_response(
        request,
        IdempotencyKeyReused(
            f"This {KEY_HEADER} was used for another request (method, path or body differ): use a new key.",
            field_errors={KEY_HEADER: "Already used for another request."},
        ),
    )


class IdempotencyMiddleware:
    """Inside authentication (it replays only to the same credential), outside the conditional-write check."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(KEY_HEADER)
        if key is None or request.method != "POST" or not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        if not _VALID_KEY.match(key):
            return api_error_response(
                request,
                InvalidInput(
                    f"The {KEY_HEADER} header must be 1 to 255 visible ASCII characters (a UUID, say).",
                    code="invalid_idempotency_key",
                    field_errors={KEY_HEADER: "1 to 255 visible ASCII characters."},
                ),
            )
        scope = Scope.of(request, key)
        this = fingerprint(request)
        running = scope.running(this)
        deadline = time.monotonic() + WAIT_SECONDS
        while not running.acquire():
            if (record := _load(scope)) is not None:
                return _answer(request, record, this)
            if running.holder_payload() not in (None, this):
                return _reused(request)
            if time.monotonic() >= deadline:
                return api_error_response(
                    request,
                    IdempotentRequestInProgress(
                        f"A request with this {KEY_HEADER} is still running: retry shortly for its response.",
                        retry_after=1,
                    ),
                )
            time.sleep(POLL_SECONDS)
        try:
            if (record := _load(scope)) is not None:
                return _answer(request, record, this)
            response = self.get_response(request)
            if _keeps(response):
                _store(scope, this, response)
            return response
        finally:
            running.release()
