"""Application errors: raised by services, rendered once as the reference's error object."""

from typing import Any


class ApplicationError(Exception):
    status = 400
    code = "bad_request"
    error_type = "invalid_request"
    retryable = False

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field_errors: dict[str, str] | None = None,
        retry_after: int | None = None,
        retryable: bool | None = None,
        caused_by: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status
        if retryable is not None:
            self.retryable = retryable
        self.field_errors = field_errors or {}
        self.retry_after = retry_after
        self.caused_by = caused_by

    def as_dict(self, request_id: str | None = None) -> dict[str, Any]:
        return error_object(
            code=self.code,
            message=self.message,
            error_type=self.error_type,
            retryable=self.retryable,
            retry_after=self.retry_after,
            field_errors=self.field_errors,
            request_id=request_id,
            caused_by=self.caused_by,
        )


def error_object(
    *,
    code: str,
    message: str,
    error_type: str,
    retryable: bool = False,
    retry_after: int | None = None,
    field_errors: dict[str, str] | None = None,
    request_id: str | None = None,
    caused_by: str | None = None,
) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "errorType": error_type,
        "details": {
            "retryable": retryable,
            "retryAfter": retry_after,
            "fieldErrors": field_errors or {},
            "requestId": request_id,
            "causedBy": caused_by,
        },
    }


class InvalidInput(ApplicationError):
    status = 400
    code = "invalid_input"
    error_type = "validation"


class Unauthenticated(ApplicationError):
    status = 401
    code = "unauthenticated"
    error_type = "authentication"


class Forbidden(ApplicationError):
    status = 403
    code = "forbidden"
    error_type = "authorization"


class NotFound(ApplicationError):
    status = 404
    code = "not_found"
    error_type = "not_found"


class Conflict(ApplicationError):
    status = 409
    code = "conflict"
    error_type = "conflict"


class RateLimited(ApplicationError):
    status = 429
    code = "rate_limited"
    error_type = "rate_limit"
    retryable = True


class ServiceUnavailable(ApplicationError):
    status = 503
    code = "unavailable"
    error_type = "unavailable"
    retryable = True
