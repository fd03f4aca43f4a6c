"""One exception handler: every API failure becomes the reference's error object."""

import logging
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
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
_Response = TypeVar("_Response", bound=HttpResponse)


def flatten_field_errors(detail: Any, prefix: str = "") -> dict[str, str]:
    """DRF's nested error detail → {"config.sql.source": "...", "tags[1]": "..."} keyed by wire path."""
    out: dict[str, str] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(key, int):  # DRF keys a ListField's item errors by their index
                out.update(flatten_field_errors(value, f"{prefix}[{key}]"))
                continue
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
    if isinstance(exc, RequestDataTooBig):
        return ApplicationError("The request body is too large.", code="request_too_large", status=413)
    if isinstance(exc, SuspiciousOperation):
        return ApplicationError("The request is malformed.", code="malformed_request")
    if isinstance(exc, RecursionError):
        # Only input nests this deep (a JSON value some view decoded without apps.core.limits.json_loads).
        log.warning("recursion limit reached while handling a request", exc_info=exc)
        return InvalidInput("The request nests values too deeply.", code="malformed_request")
    return None


def _with_error_headers(response: _Response, err: ApplicationError) -> _Response:
    if err.retry_after:
        response["Retry-After"] = str(err.retry_after)
    if err.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def error_response(err: ApplicationError) -> Response:
    return _with_error_headers(Response(err.as_dict(current_request_id()), status=err.status), err)


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


def api_error_response(request: HttpRequest, err: ApplicationError) -> JsonResponse:
    """The error object outside DRF (middleware, URL fallbacks, error handlers)."""
    return _with_error_headers(JsonResponse(err.as_dict(getattr(request, "request_id", None)), status=err.status), err)


@csrf_exempt  # it changes nothing, and a Bearer client must get the 404, not the session's CSRF page
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    return api_error_response(request, NotFound(f"No API endpoint at {request.path}.", code="endpoint_not_found"))


def api_server_error(request: HttpRequest) -> JsonResponse:
    err = ApplicationError("An internal error occurred.", code="internal_error", status=500)
    err.error_type = "internal"
    return api_error_response(request, err)
