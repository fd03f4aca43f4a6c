"""How many runs each job has: the `total` of an unfiltered run list without counting a million rows.

The database keeps it: triggers on the run table add the runs a statement inserts and subtract the ones it deletes,
in the writer's transaction, whatever wrote them (services, a job's or an organization's cascade, the admin, a bulk
load), so it is exact at every commit (`workloads.0054_job_run_counts` installs them; tests/workloads/runs/
test_run_counts.py holds them to `COUNT(*)`). One row per job rather than per organization: run creations of
different jobs never wait for each other on a shared row, and an organization's total is the sum of its jobs' rows
(an index-only read, as many rows as it has jobs).
"""

from django.db import models


class JobRunCount(models.Model):
    job = models.OneToOneField("workloads.Job", primary_key=True, on_delete=models.CASCADE, related_name="+")
    # The job's organization (it never changes): an organization's runs are the sum over this index.
    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+", db_index=False)
    runs = models.BigIntegerField(default=0)

    class Meta:
        app_label = "workloads"
        indexes = [models.Index(fields=["organization"], include=["runs"], name="wl_run_count_org_idx")]

    def __str__(self) -> str:
        return f"{self.job_id}: {self.runs} runs"
