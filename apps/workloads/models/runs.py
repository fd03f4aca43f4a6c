"""Job runs: one execution of one published job version, and the timeline of its statuses.

pending → ready → starting → creating_sail → waiting_for_sail → creating_runner → running
→ succeeded | failed | timeout | cancelled. A pending run waits for something named by `pending_reason`; a ready
run waits for a dispatcher. Retry puts a terminal run back to ready (or pending) under the same id. The database
checks the value sets, and that a (job, schedule slot) has one run: two schedulers cannot both fire a slot.
"""

from django.db import models

from apps.core.db.fields import JSONField
from apps.core.models import BaseModel


class JobRunStatus(models.TextChoices):
    PENDING = "pending"
    READY = "ready"
    STARTING = "starting"
    CREATING_SAIL = "creating_sail"
    WAITING_FOR_SAIL = "waiting_for_sail"
    CREATING_RUNNER = "creating_runner"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    TIMEOUT = "timeout"
    CANCELLED = "cancelled"


TERMINAL_RUN_STATUSES = (JobRunStatus.SUCCEEDED, JobRunStatus.FAILED, JobRunStatus.TIMEOUT, JobRunStatus.CANCELLED)
RETRYABLE_RUN_STATUSES = (JobRunStatus.FAILED, JobRunStatus.TIMEOUT, JobRunStatus.CANCELLED)
# Dispatched: a worker owns the run (it holds a cluster run slot).
EXECUTING_RUN_STATUSES = (
    JobRunStatus.STARTING,
    JobRunStatus.CREATING_SAIL,
    JobRunStatus.WAITING_FOR_SAIL,
    JobRunStatus.CREATING_RUNNER,
    JobRunStatus.RUNNING,
)
ACTIVE_RUN_STATUSES = (JobRunStatus.PENDING, JobRunStatus.READY, *EXECUTING_RUN_STATUSES)


class RunTrigger(models.TextChoices):
    MANUAL = "manual"  # POST …/runs
    SCHEDULE = "schedule"  # the scheduler, for a cron slot
    RETRY = "retry"  # an automatic retry (maxRetries) or POST …/retry
    BACKFILL = "backfill"  # POST …/backfill, for a past slot
    DEPENDENCY = "dependency"  # released when its upstream jobs succeeded


class PendingReason(models.TextChoices):
    """Why a pending run is not running yet (`pendingReason`)."""

    HELD = "held"  # created or retried with hold: waits for POST …/ready
    WAITING_FOR_DEPENDENCY = "waiting_for_dependency"  # an upstream job has no successful run for the window yet
    CONCURRENCY_LIMIT = "concurrency_limit"  # the job already runs maxConcurrentRuns runs (policy queue)
    CLUSTER_UNAVAILABLE = "cluster_unavailable"  # the job's cluster is not active
    CLUSTER_CAPACITY = "cluster_capacity"  # every run slot of the cluster is taken
    RETRY_BACKOFF = "retry_backoff"  # an automatic retry waits for its backoff to pass


class RunCleanupMode(models.TextChoices):
    ALWAYS = "always"
    ON_SUCCESS = "on_success"
    NEVER = "never"


class JobRun(BaseModel):
    # No single-column indexes: the composite ones below start with these columns.
    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+", db_index=False)
    job = models.ForeignKey("workloads.Job", on_delete=models.CASCADE, related_name="runs", db_index=False)
    version = models.ForeignKey("workloads.JobVersion", on_delete=models.RESTRICT, related_name="runs")
    version_number = models.PositiveIntegerField(help_text="`jobVersion`: the published version this run executes.")
    cluster = models.ForeignKey("infra.Cluster", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=20, choices=JobRunStatus.choices, default=JobRunStatus.PENDING)
    status_message = models.TextField(blank=True, default="")
    hold = models.BooleanField(default=False)
    pending_reason = models.CharField(max_length=32, choices=PendingReason.choices, blank=True, default="")
    # What the pending run waits for: {"jobId", "jobKey", "runId"} of an upstream, a cluster id, a time.
    pending_detail = JSONField(default=dict, blank=True)
    trigger = models.CharField(max_length=16, choices=RunTrigger.choices, default=RunTrigger.MANUAL)
    resource_cleanup_mode = models.CharField(
        max_length=16, choices=RunCleanupMode.choices, default=RunCleanupMode.ALWAYS
    )
    parameters = JSONField(null=True, blank=True, help_text="Overrides the version's python.parameters.")
    named_parameters = JSONField(null=True, blank=True, help_text="Merged over python.namedParameters.")
    scheduled_for = models.DateTimeField(null=True, blank=True, help_text="The cron slot (schedule and backfill).")
    backfill_id = models.CharField(max_length=20, blank=True, default="", db_index=True)
    attempt = models.PositiveSmallIntegerField(default=1, help_text="1 + the retries this run has had.")
    auto_retries = models.PositiveSmallIntegerField(default=0, help_text="Retries spent from maxRetries.")
    not_before = models.DateTimeField(null=True, blank=True, help_text="A ready run is not dispatched before this.")
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="Refreshed by the worker executing it.")
    worker = models.CharField(max_length=200, blank=True, default="", help_text="host:pid of the executing worker.")
    finished_at = models.DateTimeField(null=True, blank=True)
    runner_started_at = models.DateTimeField(null=True, blank=True)
    runner_completed_at = models.DateTimeField(null=True, blank=True)
    runner_execution_time_us = models.BigIntegerField(null=True, blank=True)
    output_path = models.TextField(blank=True, default="")
    row_count = models.BigIntegerField(null=True, blank=True)
    preview = JSONField(null=True, blank=True, help_text="{columns: [{name, type}], rows: [[...]]}, ≤ 100.")
    log_dir = models.TextField(blank=True, default="")
    sail_process_id = models.CharField(max_length=20, blank=True, default="")
    retryable = models.BooleanField(default=False, help_text="Whether a failure is worth retrying (lost worker).")
    estimated_cost = models.DecimalField(max_digits=14, decimal_places=6, null=True, blank=True)
    cleaned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "workloads"
        ordering = ["-created_at", "-id"]
        indexes = [
            # The lists (newest first) and each of their filters, per job and per organization: a page and a
            # filtered count read one of these (docs/runs.md, bench/README.md "Runs lists").
            models.Index(fields=["organization", "-created_at", "-id"], name="wl_run_org_created_idx"),
            models.Index(fields=["job", "-created_at", "-id"], name="wl_run_job_created_idx"),
            models.Index(fields=["job", "status", "-created_at", "-id"], name="wl_run_job_status_idx"),
            models.Index(fields=["job", "version_number", "-created_at", "-id"], name="wl_run_job_version_idx"),
            models.Index(fields=["organization", "status", "-created_at", "-id"], name="wl_run_org_status_idx"),
            models.Index(fields=["organization", "trigger", "-created_at", "-id"], name="wl_run_org_trigger_idx"),
            models.Index(
                fields=["organization", "version_number", "-created_at", "-id"], name="wl_run_org_version_idx"
            ),
            models.Index(fields=["cluster", "status"], name="wl_run_cluster_status_idx"),
            models.Index(fields=["status", "heartbeat_at"], name="wl_run_status_heartbeat_idx"),
            models.Index(
                fields=["not_before", "created_at"], condition=models.Q(status="ready"), name="wl_run_ready_idx"
            ),
            models.Index(fields=["job", "trigger", "-created_at", "-id"], name="wl_run_job_trigger_idx"),
            # A job's cost over a period (`…/cost`) reads this index alone.
            models.Index(
                fields=["job", "finished_at"],
                include=["estimated_cost", "dispatched_at", "runner_started_at"],
                name="wl_run_job_finished_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=JobRunStatus.values), name="wl_run_status"),
            models.CheckConstraint(condition=models.Q(trigger__in=RunTrigger.values), name="wl_run_trigger"),
            models.CheckConstraint(
                condition=models.Q(resource_cleanup_mode__in=RunCleanupMode.values), name="wl_run_cleanup_mode"
            ),
            models.CheckConstraint(
                condition=models.Q(pending_reason="") | models.Q(pending_reason__in=PendingReason.values),
                name="wl_run_pending_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(status=JobRunStatus.PENDING) | models.Q(pending_reason=""),
                name="wl_run_reason_only_pending",
            ),
            # One run per (job, slot), whoever creates it (two schedulers, a backfill and the scheduler).
            models.UniqueConstraint(
                fields=["job", "scheduled_for"],
                condition=models.Q(scheduled_for__isnull=False),
                name="wl_run_one_per_slot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.job_id} run {self.pk} ({self.status})"

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_RUN_STATUSES


class JobRunStatusChange(models.Model):
    """The run's timeline: each status it entered, when, and why."""

    run = models.ForeignKey(JobRun, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(max_length=20, choices=JobRunStatus.choices)
    message = models.TextField(blank=True, default="")
    at = models.DateTimeField()

    class Meta:
        app_label = "workloads"
        ordering = ["run", "at", "id"]
        indexes = [models.Index(fields=["run", "at", "id"], name="wl_run_change_run_at_idx")]

    def __str__(self) -> str:
        return f"{self.run_id} → {self.status} at {self.at:%Y-%m-%d %H:%M:%S}"
