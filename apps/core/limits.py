"""Bounds on what one request may carry, so that no input becomes a 5xx or an expensive request.

- the body: at most settings.REQUEST_MAX_BODY_BYTES (413), refused before anything reads it;
- the query string: at most settings.REQUEST_MAX_QUERY_STRING_BYTES (414);
- JSON: nested at most settings.REQUEST_MAX_JSON_DEPTH deep (400): Python's decoder recurses, and a
  body of "[" * 5000 would otherwise end in a RecursionError;
- no NUL character in the path, the query string or a JSON string (400): PostgreSQL stores none, and
  a lookup with one is an error, not "not found";
- list parameters (`page`, `limit`, `search`): bounded in `apps.core.api.pagination`.

The numbers and their reasons are in docs/security.md.
"""

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, unquote

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from apps.core.api.exceptions import api_error_response
from apps.core.errors import ApplicationError, InvalidInput


class JsonRefused(ValueError):
    """JSON that is valid but not accepted: nested too deep, or a string with a NUL character."""


def too_deep() -> JsonRefused:
    return JsonRefused(f"JSON nested deeper than {settings.REQUEST_MAX_JSON_DEPTH} levels")


def check_json(value: Any) -> None:
    """Raise JsonRefused when a decoded JSON value nests deeper than the limit or holds a NUL character.

    Iterative, so that checking cannot itself run out of stack.
    """
    maximum = settings.REQUEST_MAX_JSON_DEPTH
    stack = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            if "\x00" in node:
                raise JsonRefused("JSON strings may not contain NUL characters")
            continue
        if not isinstance(node, dict | list):
            continue
        if depth == maximum:
            raise too_deep()
        children = [*node.keys(), *node.values()] if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children)


def json_loads(text: str | bytes) -> Any:
    """json.loads under the limits of `check_json`; JsonRefused (a ValueError) instead of a RecursionError."""
    try:
        value = json.loads(text)
    except RecursionError as exc:
        raise too_deep() from exc
    check_json(value)
    return value


class RequestTooLarge(ApplicationError):
    status = 413
    code = "request_too_large"
    error_type = "invalid_request"


class QueryStringTooLong(ApplicationError):
    status = 414
    code = "uri_too_long"
    error_type = "invalid_request"


def _refusal(request: HttpRequest) -> ApplicationError | None:
    query = request.META.get("QUERY_STRING", "")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0  # Django reads no body without a valid length either
    if length > settings.REQUEST_MAX_BODY_BYTES:
        return RequestTooLarge(f"The request body is larger than {settings.REQUEST_MAX_BODY_BYTES} bytes.")
    if len(query) > settings.REQUEST_MAX_QUERY_STRING_BYTES:
        return QueryStringTooLong(
            f"The query string is longer than {settings.REQUEST_MAX_QUERY_STRING_BYTES} characters."
        )
    if "\x00" in request.path or "\x00" in unquote(query):
        return ApplicationError("The URL contains a NUL character.", code="malformed_request")
    if request.path.startswith("/api/") and (name := _repeated(query)):
        # Every API parameter takes one value (lists are comma-separated): `?search=a&search=b` is not a search.
        return InvalidInput(
            f"{name} is given more than once.", code="malformed_request", field_errors={name: "Given more than once."}
        )
    return None


def _repeated(query: str) -> str | None:
    seen: set[str] = set()
    for name, _value in parse_qsl(query, keep_blank_values=True):
        if name in seen:
            return name
        seen.add(name)
    return None


class RequestLimitsMiddleware:
    """Refuses an oversized body, an over-long query string or a NUL in the URL before any view, parser
    or form reads them.

    Under /api/ the answer is the error object; in the console, a plain error page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        err = _refusal(request)
        if err is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return api_error_response(request, err)
        html = render_to_string("core/error.html", {"status": err.status, "message": err.message})
        return HttpResponse(html, status=err.status)
