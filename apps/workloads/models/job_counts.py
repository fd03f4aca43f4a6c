"""How many jobs each organization has: the `total` of an unfiltered job list without counting 30,000 jobs.

The database keeps it, as it keeps `JobRunCount`: triggers on the job table add the jobs a statement inserts and
subtract the ones it deletes, in the writer's transaction, whatever wrote them (services, an organization's cascade,
the admin, a bulk load), so it is exact at every commit (`workloads.0055_job_counts` installs them; tests/workloads/
test_job_counts.py holds them to `COUNT(*)`). One row per organization: creating jobs is authoring, seldom enough
that two creations in one organization may wait for each other's commit.
"""

from django.db import models


class JobCount(models.Model):
    organization = models.OneToOneField(
        "org.Organization", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    jobs = models.BigIntegerField(default=0)

    class Meta:
        app_label = "workloads"

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.jobs} jobs"
