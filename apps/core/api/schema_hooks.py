"""Postprocessing hooks: what every operation shares, documented once for the current and future endpoints.

- `document_conventions`: the error answers each operation can give (400 with `fieldErrors`, 401, 403, 404; 409,
  413 and 415 for writes), the organization header as one shared parameter, the bounds and defaults of the
  list parameters (`limit`, `page`, `search`, `marker`) as `apps.core.api.pagination` enforces them, and that an
  optional query parameter sent empty is as if it were absent (every view reads them so).
- `document_safe_writes`: what the core middleware does for every operation: `Idempotency-Key`, `If-Match` and
  `If-None-Match`, their 304/412/422 answers, the 429 with `Retry-After`, and the `ETag` and `RateLimit-*`
  response headers (docs/api-conventions.md).
"""

import copy
from typing import Any

from django.conf import settings

from apps.core.api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from apps.core.api.schema import ORG_HEADER_DESCRIPTION

METHODS = ("get", "post", "put", "patch", "delete")


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def _error(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response = {"description": description, "content": {"application/json": {"schema": _ref("schemas", "Error")}}}
    if headers:
        response["headers"] = headers
    return response


def _rate_headers() -> dict[str, Any]:
    return {name: _ref("headers", name) for name in ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")}


def _operations(result: dict[str, Any]):
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method in METHODS:
                yield path, method, operation


# --- errors, the organization header, list parameters ---

ERRORS: dict[str, tuple[str, dict[str, Any]]] = {
    "400": (
        "BadRequest",
        _error(
            "The request is not valid: `invalid_input` with `details.fieldErrors` naming each refused value by its "
            "wire path (`name`, `config.sql.source`, `tags[1]`, a query parameter or header), or "
            "`malformed_request`. Types are not coerced: `0` is not a boolean, `12345` not a string."
        ),
    ),
    "401": (
        "Unauthenticated",
        _error(
            "No valid credential: a missing, expired or revoked login token or API key (`unauthenticated`).",
            {"WWW-Authenticate": {"schema": {"type": "string"}}},
        ),
    ),
    "403": ("Forbidden", _error("The caller may not do this (`forbidden`, or a step such as MFA is due).")),
    "404": (
        "NotFound",
        _error("No such resource, or one the caller may not see, or an organization they do not belong to."),
    ),
    "409": (
        "Conflict",
        _error(
            "The resource's state does not allow this (`conflict`: a name in use, a resource still in use, a "
            "transition from the wrong status), a request with this Idempotency-Key is still running "
            "(`idempotency_request_in_progress`), or conditional writes to this resource are queued "
            "(`resource_busy`): the last two are retryable after Retry-After.",
            {"Retry-After": _ref("headers", "Retry-After")},
        ),
    ),
    "413": ("RequestTooLarge", _error("The request body is larger than the server accepts (`request_too_large`).")),
    "415": ("UnsupportedMediaType", _error("The body is not `application/json` (`unsupported_media_type`).")),
}
ALWAYS = ("400", "401", "403", "404")
WITH_BODY = ("409", "413", "415")

ORG_HEADER = "OrganizationId"
LIST_PARAMETERS: dict[str, dict[str, Any]] = {
    "limit": {
        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        "description": f"At most this many items (0..{MAX_LIMIT}, default {DEFAULT_LIMIT}).",
    },
    "page": {
        "schema": {"type": "integer", "minimum": 1, "maximum": settings.LIST_MAX_PAGE, "default": 1},
        "description": "The 1-based page number.",
    },
    "search": {
        "schema": {"type": "string", "maxLength": settings.LIST_MAX_SEARCH_LENGTH},
        "description": "Only items whose searchable text contains this (case-insensitive).",
    },
    "marker": {
        "schema": {"type": "string"},
        "description": "The `marker` of the previous page, to get the next one; empty or absent for the first page. "
        "A value no list returned is a 400.",
    },
}


def _is_error(response: dict[str, Any]) -> bool:
    """A response drf-spectacular wrote for ErrorSerializer with no description of its own."""
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return schema == _ref("schemas", "Error") and not response.get("description")


def _parameters(operation: dict[str, Any]) -> list[Any]:
    out = []
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "header" and parameter.get("description") == ORG_HEADER_DESCRIPTION:
            out.append(_ref("parameters", ORG_HEADER))
            continue
        if parameter.get("in") == "query":
            parameter = {**parameter, **copy.deepcopy(LIST_PARAMETERS.get(parameter["name"], {}))}
            if not parameter.get("required"):
                parameter["allowEmptyValue"] = True  # `?teamId=` is no filter, as if it were left out
        out.append(parameter)
    return out


def document_conventions(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    components = result.setdefault("components", {})
    org_header = None
    for _path, method, operation in _operations(result):
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "header" and parameter.get("description") == ORG_HEADER_DESCRIPTION:
                org_header = parameter
        operation["parameters"] = _parameters(operation)
        if not operation["parameters"]:
            del operation["parameters"]
        responses = operation.setdefault("responses", {})
        codes = ALWAYS + (WITH_BODY if method != "get" else ())
        for code in codes:
            if code not in responses or _is_error(responses[code]):
                responses[code] = _ref("responses", ERRORS[code][0])
        if "requestBody" not in operation:
            for code in ("413", "415"):
                if responses.get(code) == _ref("responses", ERRORS[code][0]):
                    del responses[code]
    components.setdefault("responses", {}).update({name: copy.deepcopy(body) for name, body in ERRORS.values()})
    if org_header is not None:
        components.setdefault("parameters", {})[ORG_HEADER] = org_header
    return result


# --- safe writes and rate limits ---

_SECONDS = {"type": "integer", "minimum": 1}
SAFE_WRITE_COMPONENTS: dict[str, dict[str, Any]] = {
    "headers": {
        "ETag": {
            "description": "A strong validator of the resource's current representation (a digest of its GET body). "
            "Send it back in If-Match to write only if nothing changed since.",
            "schema": {"type": "string"},
        },
        "RateLimit-Limit": {
            "description": "Requests allowed in the current window by the tighter of the per-principal and "
            "per-address limits.",
            "schema": {"type": "integer", "minimum": 0},
        },
        "RateLimit-Remaining": {
            "description": "Requests left in the current window.",
            "schema": {"type": "integer", "minimum": 0},
        },
        "RateLimit-Reset": {"description": "Seconds until the current window ends.", "schema": _SECONDS},
        "Retry-After": {"description": "Seconds to wait before retrying.", "schema": _SECONDS},
    },
    "parameters": {
        "IdempotencyKey": {
            "name": "Idempotency-Key",
            "in": "header",
            "required": False,
            "schema": {"type": "string", "pattern": "^[!-~]{1,255}$"},
            "description": "A key of your choice (a UUID) that makes retrying this POST safe: for 24 hours the "
            "first response is replayed (with `Idempotent-Replayed: true`) to the same method, path and body; "
            "another request with the key gets 422.",
        },
        "IfMatch": {
            "name": "If-Match",
            "in": "header",
            "required": False,
            "schema": {"type": "string"},
            "description": "Write only if the target resource's ETag is one of these (`*`: if it exists). For a "
            "POST the target is the parent resource (`…/{id}` of `…/{id}/action`). Otherwise: 412.",
        },
        "IfNoneMatch": {
            "name": "If-None-Match",
            "in": "header",
            "required": False,
            "schema": {"type": "string"},
            "description": "Answer 304 without a body when the representation's ETag is one of these.",
        },
    },
    "responses": {
        "NotModified": {
            "description": "The representation still has the ETag named in If-None-Match.",
            "headers": {"ETag": _ref("headers", "ETag")},
        },
        "PreconditionFailed": _error(
            "If-Match did not match the target resource's current ETag (sent in this response's ETag), or the "
            "target has no representation (`precondition_failed`); nothing was changed. Preconditions are "
            "evaluated before the body is read.",
            {"ETag": _ref("headers", "ETag")},
        ),
        "IdempotencyKeyReused": _error(
            "The Idempotency-Key was used for a request with another method, path or body (`idempotency_key_reused`)."
        ),
        "RateLimited": _error(
            "Over the per-principal or per-address rate limit (`rate_limited`): retry after Retry-After.",
            {"Retry-After": _ref("headers", "Retry-After"), **_rate_headers()},
        ),
    },
}


def document_safe_writes(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """The conditional, idempotent and rate-limited behaviour of every operation."""
    components = result.setdefault("components", {})
    for kind, entries in SAFE_WRITE_COMPONENTS.items():
        components.setdefault(kind, {}).update(copy.deepcopy(entries))
    for path, method, operation in _operations(result):
        parameters = operation.setdefault("parameters", [])
        responses = operation.setdefault("responses", {})
        for code, response in responses.items():
            if code.startswith("2"):
                response.setdefault("headers", {}).update(_rate_headers())
                if (method, code) in {("get", "200"), ("patch", "200"), ("put", "200"), ("post", "201")}:
                    response["headers"]["ETag"] = _ref("headers", "ETag")
        responses["429"] = _ref("responses", "RateLimited")
        if method == "get":
            parameters.append(_ref("parameters", "IfNoneMatch"))
            responses.setdefault("304", _ref("responses", "NotModified"))
        else:
            if method == "post":
                parameters.append(_ref("parameters", "IdempotencyKey"))
                responses.setdefault("422", _ref("responses", "IdempotencyKeyReused"))
            if method != "post" or path.rsplit("/", 1)[0].endswith("}"):
                parameters.append(_ref("parameters", "IfMatch"))
                responses.setdefault("412", _ref("responses", "PreconditionFailed"))
        operation["responses"] = dict(sorted(responses.items()))
    return result
