"""Provider failures met while answering a request, as error objects."""

from collections.abc import Iterator
from contextlib import contextmanager

from apps.core.errors import ApplicationError, Conflict
from apps.infra.providers.base import NotApplicable, ProviderError


class ProviderFailed(ApplicationError):
    """The provider (a cloud API, or Sail on this machine) refused or failed: 502, `retryable` as it said."""

    status = 502
    code = "provider_error"
    error_type = "provider"


class OperationError(ApplicationError):
    """An operation's step failed outside the provider's own errors (an OS error, a bug): the log has the trace."""

    status = 500
    code = "operation_error"
    error_type = "internal"


def as_error(exc: ProviderError) -> ApplicationError:
    if isinstance(exc, NotApplicable):
        return Conflict(exc.message, code=exc.code)
    return ProviderFailed(exc.message, code=exc.code, retryable=exc.retryable)


@contextmanager
def provider_call() -> Iterator[None]:
    try:
        yield
    except ProviderError as exc:
        raise as_error(exc) from exc
