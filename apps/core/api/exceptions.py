"""One exception handler: every API failure becomes the reference's error object."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import set_rollback

from apps.core.errors import (
    ApplicationError,
    Forbidden,
    InvalidInput,
    NotFound,
    RateLimited,
    Unauthenticated,
)
from apps.core.middleware import current_request_id

log = logging.getLogger(__name__)


def flatten_field_errors(detail: Any, prefix: str = "") -> dict[str, str]:
    """DRF's nested error detail → {"config.sql.source": "...", "tags[1]": "..."} keyed by wire path."""
    out: dict[str, str] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "" if key == "non_field_errors" else str(key)
            path = f"{prefix}.{name}" if prefix and name else (prefix or name)
            out.update(flatten_field_errors(value, path))
    elif isinstance(detail, list):
        if detail and all(not isinstance(d, dict | list) for d in detail):
            out[prefix or "request"] = " ".join(str(d) for d in detail)
        else:
            for index, value in enumerate(detail):
                if value:
                    out.update(flatten_field_errors(value, f"{prefix}[{index}]"))
    else:
        out[prefix or "request"] = str(detail)
    return out


def as_application_error(exc: Exception) -> ApplicationError | None:
    if isinstance(exc, ApplicationError):
        return exc
    if isinstance(exc, drf.ValidationError):
        errors = flatten_field_errors(exc.detail)
        return InvalidInput(
            "The request is not valid: " + "; ".join(f"{k}: {v}" for k, v in errors.items()), field_errors=errors
        )
    if isinstance(exc, DjangoValidationError):
        errors = flatten_field_errors(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
        return InvalidInput("The request is not valid.", field_errors=errors)
    if isinstance(exc, drf.ParseError):
        return InvalidInput(f"The request body is not valid JSON: {exc.detail}", code="malformed_request")
    if isinstance(exc, drf.UnsupportedMediaType):
        return ApplicationError(str(exc.detail), code="unsupported_media_type", status=415)
    if isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed):
        return Unauthenticated(str(exc.detail))
    if isinstance(exc, drf.PermissionDenied | DjangoPermissionDenied):
        return Forbidden("You do not have permission to perform this action.")
    if isinstance(exc, drf.NotFound | Http404):
        return NotFound("The requested resource was not found.")
    if isinstance(exc, drf.MethodNotAllowed):
        return ApplicationError(str(exc.detail), code="method_not_allowed", status=405)
    if isinstance(exc, drf.NotAcceptable):
        return ApplicationError(str(exc.detail), code="not_acceptable", status=406)
    if isinstance(exc, drf.Throttled):
        return RateLimited("Too many requests.", retry_after=int(exc.wait or 1))
    return None


def error_response(err: ApplicationError) -> Response:
    response = Response(err.as_dict(current_request_id()), status=err.status)
    if err.retry_after:
        response["Retry-After"] = str(err.retry_after)
    if err.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    set_rollback()
    err = as_application_error(exc)
    if err is None:
        log.exception("unhandled error in %s", context.get("view").__class__.__name__)
        err = ApplicationError(
            "An internal error occurred. Quote the request id when reporting it.",
            code="internal_error",
            status=500,
        )
        err.error_type = "internal"
    return error_response(err)


def _json_error(request: HttpRequest, err: ApplicationError) -> JsonResponse:
    return JsonResponse(err.as_dict(getattr(request, "request_id", None)), status=err.status)


def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    return _json_error(request, NotFound(f"No API endpoint at {request.path}.", code="endpoint_not_found"))


def api_server_error(request: HttpRequest) -> JsonResponse:
    err = ApplicationError("An internal error occurred.", code="internal_error", status=500)
    err.error_type = "internal"
    return _json_error(request, err)
