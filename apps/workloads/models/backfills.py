"""Backfills: a job's past cron slots in a range, run as a group (at most `max_concurrent` at once).

A backfill owns the runs it created (`JobRun.backfill_id`); a slot that already had a run (the scheduler's, another
backfill's) keeps it. The same range of the same job is one backfill: asking again returns it.
"""

from django.db import models

from apps.core.models import BaseModel


class JobBackfill(BaseModel):
    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    job = models.ForeignKey("workloads.Job", on_delete=models.CASCADE, related_name="backfills")
    version_number = models.PositiveIntegerField(help_text="The published version its runs execute.")
    range_from = models.DateTimeField(help_text="`from`: the first slot at or after it is included.")
    range_to = models.DateTimeField(help_text="`to`: the last slot at or before it is included.")
    max_concurrent = models.PositiveSmallIntegerField(default=1)
    slot_count = models.PositiveIntegerField(default=0, help_text="The cron slots in the range when it was created.")
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "workloads"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["job", "range_from", "range_to"], name="wl_backfill_one_per_range"),
            models.CheckConstraint(condition=models.Q(range_from__lte=models.F("range_to")), name="wl_backfill_range"),
            models.CheckConstraint(condition=models.Q(max_concurrent__gte=1), name="wl_backfill_max_concurrent"),
        ]

    def __str__(self) -> str:
        return f"{self.job_id} backfill {self.pk} ({self.range_from:%Y-%m-%d %H:%M} → {self.range_to:%Y-%m-%d %H:%M})"
