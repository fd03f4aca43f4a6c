"""The value sets the reference shows only as "string": stable, lower-case, checked by the database."""

from django.db import models


class ProviderKey(models.TextChoices):
    LOCAL = "local"  # Sail processes on the platform's own host
    AWS = "aws"  # EKS in the customer's AWS account


class ConnectionStatus(models.TextChoices):
    PENDING = "pending"  # created, not verified yet
    ACTIVE = "active"  # verified: networks and clusters may be provisioned through it
    FAILED = "failed"  # the last verification failed (statusMessage says why)


class ResourceStatus(models.TextChoices):
    """A network's or a provisioned cluster's infrastructure."""

    PENDING = "pending"  # a record only: nothing exists yet
    PROVISIONING = "provisioning"
    ACTIVE = "active"
    UPDATING = "updating"  # clusters only
    FAILED = "failed"  # an operation failed: infrastructure may exist, destroy it before deleting the record
    DESTROYING = "destroying"
    DESTROYED = "destroyed"


NETWORK_STATUSES = [s for s in ResourceStatus.values if s != ResourceStatus.UPDATING]
# An operation is working on the record: no other may start.
BUSY_STATUSES = (ResourceStatus.PROVISIONING, ResourceStatus.UPDATING, ResourceStatus.DESTROYING)
# Nothing exists in the provider: the record may be deleted.
DELETABLE_STATUSES = (ResourceStatus.PENDING, ResourceStatus.DESTROYED)


class HealthStatus(models.TextChoices):
    UNKNOWN = "unknown"  # never checked, or the provider could not tell
    HEALTHY = "healthy"
    UNHEALTHY = "unhealthy"
