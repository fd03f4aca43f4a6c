"""OpenAPI generation: every operation documents the error object; bearer and session auth declared.

`document_safe_writes` (a postprocessing hook) adds what the core middleware does for every operation:
`Idempotency-Key`, `If-Match` and `If-None-Match`, their 304/409/412/422 answers, the 429 with `Retry-After`,
and the `ETag` and `RateLimit-*` response headers (docs/api-conventions.md).
"""

import copy
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.plumbing import get_doc
from drf_spectacular.utils import OpenApiParameter

from apps.core.api.serializers import ErrorSerializer

DOCUMENTED_ERRORS = ("400", "401", "403", "404")  # 429 and the safe-write answers: document_safe_writes


class AutoSchema(BaseAutoSchema):
    def get_description(self) -> str:
        # Only the view's own docstring: base-class docstrings describe plumbing, not the endpoint.
        method = getattr(self.view, self.method.lower(), None)
        return get_doc(method) or (self.view.__class__.__dict__.get("__doc__") or "").strip()

    def get_operation_id(self) -> str:
        # Plain APIViews are never "list views" to drf-spectacular: name collection GETs `_list` ourselves.
        operation_id = super().get_operation_id()
        if self.method == "GET" and not self.path.rstrip("/").endswith("}") and operation_id.endswith("_retrieve"):
            return operation_id.removesuffix("_retrieve") + "_list"
        return operation_id

    def get_override_parameters(self) -> list:
        parameters = list(super().get_override_parameters())
        org_header = getattr(self.view, "organization_header", None)  # set by org's OrgApiView; core imports no app
        if org_header:
            parameters.append(
                OpenApiParameter(
                    org_header,
                    str,
                    OpenApiParameter.HEADER,
                    required=False,
                    description="The organization the request acts in; optional with a single membership.",
                )
            )
        return parameters

    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        if direction == "response":
            for code in DOCUMENTED_ERRORS:
                if code not in bodies:
                    bodies[code] = self._get_response_for_code(ErrorSerializer, code, direction=direction)
        return bodies


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = "apps.identity.api.authentication.BearerAuthentication"
    name = "bearer"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A login token (lst_…) or an API key (lsk_…)."}


class ConsoleSessionScheme(OpenApiAuthenticationExtension):
    target_class = "apps.identity.api.authentication.ConsoleSessionAuthentication"
    name = "consoleSession"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def _error(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response = {"description": description, "content": {"application/json": {"schema": _ref("schemas", "Error")}}}
    if headers:
        response["headers"] = headers
    return response


def _rate_headers() -> dict[str, Any]:
    return {name: _ref("headers", name) for name in ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")}


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
        "InProgressOrBusy": _error(
            "A request with this Idempotency-Key is still running (`idempotency_request_in_progress`), or "
            "conditional writes to this resource are queued (`resource_busy`): retry after Retry-After.",
            {"Retry-After": _ref("headers", "Retry-After")},
        ),
        "PreconditionFailed": _error(
            "If-Match did not match the target resource's current ETag (sent in this response's ETag), or the "
            "target has no representation (`precondition_failed`); nothing was changed.",
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
    """Postprocessing hook: the conditional, idempotent and rate-limited behaviour of every operation."""
    components = result.setdefault("components", {})
    for kind, entries in SAFE_WRITE_COMPONENTS.items():
        components.setdefault(kind, {}).update(copy.deepcopy(entries))
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
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
                responses.setdefault("409", _ref("responses", "InProgressOrBusy"))
            operation["responses"] = dict(sorted(responses.items()))
    return result
