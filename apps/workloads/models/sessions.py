"""Spark Connect sessions and the compute instances (Sail servers) that serve them.

A session is one person's (or service account's) use of a compute instance through the session proxy:
pending → active (the first proxied call once its server is ready) → idle (no call for `idleTimeoutSeconds`)
→ closed (by its owner, after `idleCloseDelaySeconds` of idleness, or at `maxDurationSeconds`) | failed (its
server did not start or was lost). A compute instance is a Sail server started for a compute config: dedicated to
one session, or shared by compatible sessions that allowed it, and stopped once no open session uses it.
"""

from typing import Any

from django.conf import settings
from django.db import models

from apps.core.db.fields import JSONField
from apps.core.models import BaseModel


class EndpointType(models.TextChoices):
    SPARK_CONNECT = "spark_connect"


class SessionStatus(models.TextChoices):
    PENDING = "pending"
    ACTIVE = "active"
    IDLE = "idle"
    CLOSED = "closed"
    FAILED = "failed"


OPEN_STATUSES = (SessionStatus.PENDING, SessionStatus.ACTIVE, SessionStatus.IDLE)
TERMINAL_STATUSES = (SessionStatus.CLOSED, SessionStatus.FAILED)


class TerminationReason(models.TextChoices):
    CLOSED_BY_USER = "closed_by_user"
    IDLE_TIMEOUT = "idle_timeout"
    MAX_DURATION = "max_duration"
    SERVER_FAILED = "server_failed"
    CLUSTER_DESTROYED = "cluster_destroyed"


class InfraStatus(models.TextChoices):
    PENDING = "pending"  # waiting for a worker to start its server
    STARTING = "starting"
    READY = "ready"
    STOPPING = "stopping"
    STOPPED = "stopped"
    FAILED = "failed"


LIVE_INFRA_STATUSES = (InfraStatus.PENDING, InfraStatus.STARTING, InfraStatus.READY)


class ShutdownPolicy(models.TextChoices):
    WITH_SESSION = "with_session"  # a session's own server: stopped when that session ends
    WHEN_UNUSED = "when_unused"  # shared: stopped when the last session using it ends


class ComputeInstance(BaseModel):
    """Wire: a `workload` of the sessions list's `included`."""

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    compute_config = models.ForeignKey("workloads.ComputeConfig", on_delete=models.CASCADE, related_name="+")
    infra_status = models.CharField(max_length=16, choices=InfraStatus.choices, default=InfraStatus.PENDING)
    shutdown_policy = models.CharField(max_length=16, choices=ShutdownPolicy.choices)
    config_hash = models.CharField(max_length=64, help_text="Of the Sail configuration: shared only when equal.")
    sail_process_id = models.CharField(max_length=20, blank=True, default="", db_index=True)
    host = models.CharField(max_length=64, blank=True, default="")
    port = models.PositiveIntegerField(null=True, blank=True)
    status_message = models.TextField(blank=True, default="")
    provisioned_at = models.DateTimeField(null=True, blank=True)
    cleaned_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "workloads"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["infra_status"], name="wl_compute_instance_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(infra_status__in=InfraStatus.values), name="wl_compute_instance_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(shutdown_policy__in=ShutdownPolicy.values), name="wl_compute_instance_policy_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"compute instance {self.pk} ({self.infra_status})"

    @property
    def shared(self) -> bool:
        return self.shutdown_policy == ShutdownPolicy.WHEN_UNUSED

    @property
    def endpoints(self) -> dict[str, str]:
        """Where clients reach it: the session proxy (its own address, `host:port`, is the proxy's business)."""
        if self.infra_status != InfraStatus.READY:
            return {}
        return {EndpointType.SPARK_CONNECT: settings.SESSION_PROXY_ENDPOINT}


class Session(BaseModel):
    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("org.Team", on_delete=models.CASCADE, related_name="+")
    # The owner: a member, or a service account.
    member = models.ForeignKey("org.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    service_account = models.ForeignKey(
        "identity.ServiceAccount", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notebook_id = models.CharField(max_length=20, blank=True, default="")
    name = models.CharField(max_length=200)
    endpoint_type = models.CharField(max_length=32, choices=EndpointType.choices, default=EndpointType.SPARK_CONNECT)
    status = models.CharField(max_length=16, choices=SessionStatus.choices, default=SessionStatus.PENDING)
    termination_reason = models.CharField(max_length=32, choices=TerminationReason.choices, blank=True, default="")
    status_message = models.TextField(blank=True, default="")
    compute_config = models.ForeignKey("workloads.ComputeConfig", on_delete=models.CASCADE, related_name="+")
    compute_instance = models.ForeignKey(
        ComputeInstance, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    idle_timeout_seconds = models.PositiveIntegerField()
    idle_close_delay_seconds = models.PositiveIntegerField()
    max_duration_seconds = models.PositiveIntegerField()
    metadata = JSONField(default=dict, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    idle_since = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    timeout_at = models.DateTimeField()
    relaunched_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    # Set by the selectors for the caller (owner or org admin, open session): the wire `connectionInfo`.
    connection_info: dict[str, Any] | None = None

    class Meta:
        app_label = "workloads"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="wl_session_org_newest_idx"),
            models.Index(fields=["status"], name="wl_session_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=SessionStatus.values), name="wl_session_status_valid"),
            models.CheckConstraint(
                condition=models.Q(endpoint_type__in=EndpointType.values), name="wl_session_endpoint_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(member__isnull=True) | models.Q(service_account__isnull=True),
                name="wl_session_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def config(self) -> dict[str, int]:
        return {
            "idleTimeoutSeconds": self.idle_timeout_seconds,
            "idleCloseDelaySeconds": self.idle_close_delay_seconds,
            "maxDurationSeconds": self.max_duration_seconds,
        }
