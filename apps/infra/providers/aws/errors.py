"""botocore's exceptions as `ProviderError`s: the operation runner retries what AWS says may pass, and nothing else."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
)

from apps.infra.providers.base import ProviderError

# Error codes AWS services use for "slow down"; they come with a 400, so the status alone does not tell.
THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottled",
        "RequestThrottledException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "BandwidthLimitExceeded",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
ACCESS_DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "ExpiredToken",
        "ExpiredTokenException",
        "AuthFailure",
        "SignatureDoesNotMatch",
    }
)
# Codes that mean "no such thing": callers that look a resource up treat them as absent.
NOT_FOUND_CODES = frozenset(
    {
        "NoSuchEntity",
        "ResourceNotFoundException",
        "InvalidVpcID.NotFound",
        "InvalidSubnetID.NotFound",
        "InvalidInternetGatewayID.NotFound",
        "InvalidRouteTableID.NotFound",
        "InvalidAssociationID.NotFound",
        "InvalidAllocationID.NotFound",
        "InvalidGroup.NotFound",
        "InvalidGroupId.NotFound",
        "NatGatewayNotFound",
        "InvalidNatGatewayID.NotFound",
    }
)

# "Still in use": what a delete answers while something that is being deleted still holds on to the resource.
IN_USE_CODES = frozenset(
    {"DependencyViolation", "ResourceInUse", "InvalidIPAddress.InUse", "DeleteConflict", "ResourceInUseException"}
)


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def is_not_found(exc: ClientError) -> bool:
    return error_code(exc) in NOT_FOUND_CODES


def provider_error(exc: Exception, *, action: str = "") -> ProviderError:
    """The `ProviderError` for a botocore failure; `action` says what we were doing ("create the VPC")."""
    prefix = f"AWS refused to {action}: " if action else "AWS: "
    if isinstance(exc, ClientError):
        code = error_code(exc)
        message = exc.response.get("Error", {}).get("Message", "") or str(exc)
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        if code in THROTTLING_CODES:
            return ProviderError(f"{prefix}{message} ({code})", code="aws_throttled", retryable=True)
        if code in ACCESS_DENIED_CODES:
            return ProviderError(f"{prefix}{message} ({code})", code="aws_access_denied", retryable=False)
        if status >= 500:
            return ProviderError(f"{prefix}{message} ({code or status})", code="aws_unavailable", retryable=True)
        return ProviderError(f"{prefix}{message} ({code})", code="aws_error", retryable=False)
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return ProviderError(
            "The console has no AWS credentials to assume the connection's role with.",
            code="aws_no_credentials",
        )
    if isinstance(exc, ConnectionError):  # connect or read timeout, endpoint unreachable
        return ProviderError(f"{prefix}{exc}", code="aws_unreachable", retryable=True)
    return ProviderError(f"{prefix}{exc}", code="aws_error", retryable=False)


@contextmanager
def aws_errors(action: str = "") -> Iterator[None]:
    """Translate botocore exceptions raised inside the block; a `ProviderError` passes through unchanged."""
    try:
        yield
    except (ClientError, BotoCoreError) as exc:
        raise provider_error(exc, action=action) from exc


def delete_quietly(call: Callable[[], Any]) -> None:
    """Run a delete call: gone already is success; still in use (ENIs that EKS leaves behind for a few minutes, a
    cluster whose node group is still going) is worth trying again later."""
    try:
        call()
    except ClientError as exc:
        if is_not_found(exc):
            return
        if error_code(exc) in IN_USE_CODES:
            raise ProviderError(
                f"Still in use, trying again later: {exc.response['Error'].get('Message', '')}",
                code="aws_in_use",
                retryable=True,
            ) from exc
        raise
