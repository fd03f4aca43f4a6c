"""Waiting for AWS to finish something (a NAT gateway, an EKS cluster or node group) inside a step."""

import time
from collections.abc import Callable, Collection

from django.conf import settings

from apps.infra.providers.base import ProviderError

GONE = "GONE"  # the status a `read` reports once the resource no longer exists

Status = tuple[str, str]  # (status, why: AWS's own message for it, or "")


def wait_for(read: Callable[[], Status], *, what: str, ready: Collection[str], failed: Collection[str] = ()) -> str:
    """Poll `read()` until its status is in `ready`. A status in `failed` is final (not retryable); running out of
    time is retryable, since a second run of the step finds the resource and waits on."""
    deadline = time.monotonic() + settings.LAKESAIL_AWS_WAIT_SECONDS
    while True:
        status, why = read()
        if status in ready:
            return status
        if status in failed:
            raise ProviderError(f"{what} is {status}{': ' + why if why else ''}.", code="aws_resource_failed")
        if time.monotonic() >= deadline:
            raise ProviderError(f"{what} is still {status}; checking again later.", code="aws_pending", retryable=True)
        time.sleep(settings.LAKESAIL_AWS_POLL_SECONDS)
