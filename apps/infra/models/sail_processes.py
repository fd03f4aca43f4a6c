"""A Sail server process this platform started on one of its hosts, and what it serves."""

from django.db import models

from apps.core.models import BaseModel


class SailProcessStatus(models.TextChoices):
    STARTING = "starting"
    RUNNING = "running"
    STOPPING = "stopping"
    STOPPED = "stopped"  # stopped on request
    EXITED = "exited"  # found gone without a stop request
    REAPED = "reaped"  # killed by the reaper because nothing supervised it any more
    FAILED = "failed"  # never became ready


LIVE_STATUSES = (SailProcessStatus.STARTING, SailProcessStatus.RUNNING, SailProcessStatus.STOPPING)


class SailProcessLifetime(models.TextChoices):
    # Ends with the process that started it (a run's dedicated server): the reaper stops it once that process is gone.
    SUPERVISOR = "supervisor"
    # Lives until stopped explicitly (a cluster's server, a server kept after a run for inspection).
    DETACHED = "detached"


class SailProcess(BaseModel):
    purpose = models.CharField(max_length=200, help_text="Who started it and why, for people reading the table.")
    run_id = models.CharField(max_length=64, blank=True, default="", db_index=True)
    cluster_id = models.CharField(max_length=20, blank=True, default="", db_index=True)
    status = models.CharField(max_length=16, choices=SailProcessStatus.choices, default=SailProcessStatus.STARTING)
    status_message = models.TextField(blank=True, default="")
    lifetime = models.CharField(
        max_length=16, choices=SailProcessLifetime.choices, default=SailProcessLifetime.SUPERVISOR
    )
    config_hash = models.CharField(max_length=64)

    # Where it listens.
    host = models.CharField(max_length=64, default="127.0.0.1")
    port = models.PositiveIntegerField(null=True, blank=True)

    # Which process it is: a pid means nothing without the host, the boot and the process start time.
    hostname = models.CharField(max_length=255)
    boot_id = models.CharField(max_length=64)
    pid = models.PositiveIntegerField(null=True, blank=True)
    process_created_at = models.FloatField(null=True, blank=True, help_text="The OS's start time (epoch seconds).")
    supervisor_pid = models.PositiveIntegerField()
    supervisor_created_at = models.FloatField()

    work_dir = models.CharField(max_length=1000)
    log_path = models.CharField(max_length=1000)
    started_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "infra"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["hostname", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=SailProcessStatus.values), name="sail_process_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(lifetime__in=SailProcessLifetime.values), name="sail_process_lifetime_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(port__isnull=True) | models.Q(port__gte=1, port__lte=65535),
                name="sail_process_port_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Sail {self.id} pid={self.pid} {self.host}:{self.port} ({self.status})"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def remote(self) -> str:
        return f"sc://{self.host}:{self.port}"
