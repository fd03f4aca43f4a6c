"""Jobs and their versions: a job points at its current (published) version and has at most one draft.

Published versions are immutable snapshots numbered 1, 2, 3... per job without gaps: a draft takes the next number
when it is created and gives it back if discarded. The database holds these rules too: version numbers are unique
per job and a job has at most one draft.
"""

from django.db import models

from apps.core.db.fields import JSONField
from apps.core.models import BaseModel
from apps.workloads.models.choices import (
    ConcurrencyPolicy,
    JobStatus,
    JobType,
    MissedSchedulePolicy,
    VersionStatus,
)
from apps.workloads.models.sharing import SharedWithTeams


class Job(SharedWithTeams, BaseModel):
    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("org.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    job_key = models.CharField(max_length=63)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.ACTIVE)
    description = models.TextField(blank=True, default="")
    current_version = models.ForeignKey(
        "workloads.JobVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    latest_version = models.PositiveIntegerField(default=0, help_text="The highest published version number.")
    next_run_at = models.DateTimeField(null=True, blank=True, help_text="When the schedule fires next (active jobs).")
    last_scheduled_at = models.DateTimeField(null=True, blank=True)
    teams = models.ManyToManyField("org.Team", through="workloads.JobTeam", related_name="+")

    class Meta:
        app_label = "workloads"
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["organization", "created_at", "id"], name="wl_job_org_created_idx"),
            models.Index(fields=["organization", "job_key", "id"], name="wl_job_org_key_idx"),
            models.Index(fields=["next_run_at"], condition=models.Q(status="active"), name="wl_job_due_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["organization", "job_key"], name="wl_job_key_unique"),
            models.CheckConstraint(condition=models.Q(status__in=JobStatus.values), name="wl_job_status"),
        ]

    def __str__(self) -> str:
        return self.job_key


class JobVersion(BaseModel):
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    based_on = models.PositiveIntegerField(null=True, blank=True, help_text="The version this one was copied from.")
    job_type = models.CharField(max_length=16, choices=JobType.choices, default=JobType.SQL)
    # A deleted cluster leaves the versions that named it without one: they cannot be published or activated again.
    cluster = models.ForeignKey("infra.Cluster", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    member = models.ForeignKey("org.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    description = models.TextField(blank=True, default="")
    config = JSONField(default=dict, blank=True)
    # `config.sql.queryId` as a key, so "the jobs that use a query" is a join.
    query = models.ForeignKey(
        "workloads.Query", on_delete=models.SET_NULL, null=True, blank=True, related_name="job_versions"
    )
    timeout_seconds = models.PositiveIntegerField(null=True, blank=True)
    source_config = JSONField(null=True, blank=True)
    depends_on = JSONField(default=list, blank=True)
    cron_expression = models.CharField(max_length=120, null=True, blank=True, help_text="None: no schedule.")
    cron_timezone = models.CharField(max_length=64, default="UTC")
    concurrency_policy = models.CharField(
        max_length=16, choices=ConcurrencyPolicy.choices, default=ConcurrencyPolicy.SKIP
    )
    max_concurrent_runs = models.PositiveSmallIntegerField(default=1)
    missed_schedule_policy = models.CharField(
        max_length=16, choices=MissedSchedulePolicy.choices, default=MissedSchedulePolicy.LATEST
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.CharField(max_length=20, blank=True, default="")

    class Meta:
        app_label = "workloads"
        ordering = ["job", "number"]
        constraints = [
            models.UniqueConstraint(fields=["job", "number"], name="wl_job_version_number_unique"),
            models.UniqueConstraint(
                fields=["job"], condition=models.Q(status=VersionStatus.DRAFT), name="wl_job_one_draft"
            ),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="wl_job_version_number_positive"),
            models.CheckConstraint(condition=models.Q(status__in=VersionStatus.values), name="wl_job_version_status"),
            models.CheckConstraint(
                condition=models.Q(status=VersionStatus.DRAFT, published_at__isnull=True)
                | models.Q(status=VersionStatus.PUBLISHED, published_at__isnull=False),
                name="wl_job_version_published_at",
            ),
            models.CheckConstraint(condition=models.Q(job_type__in=JobType.values), name="wl_job_version_type"),
            models.CheckConstraint(
                condition=models.Q(concurrency_policy__in=ConcurrencyPolicy.values), name="wl_job_version_concurrency"
            ),
            models.CheckConstraint(
                condition=models.Q(missed_schedule_policy__in=MissedSchedulePolicy.values),
                name="wl_job_version_missed",
            ),
            models.CheckConstraint(condition=models.Q(max_concurrent_runs__gte=1), name="wl_job_version_max_runs"),
        ]

    def __str__(self) -> str:
        return f"{self.job_id} v{self.number} ({self.status})"


class JobTeam(BaseModel):
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="team_links")
    team = models.ForeignKey("org.Team", on_delete=models.CASCADE, related_name="+")

    class Meta:
        app_label = "workloads"
        constraints = [models.UniqueConstraint(fields=["job", "team"], name="wl_job_team_unique")]
