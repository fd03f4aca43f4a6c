"""Compute configs (the reference's workload configs): which cluster a team's sessions or jobs run on, and how.

A named config belongs to one team and is reused by its members; an anonymous (inline) one is made for a single
use and never listed. `workloadType`, the cluster and the team never change after creation.
"""

from django.db import models

from apps.core.db.fields import JSONField
from apps.core.models import BaseModel


class WorkloadType(models.TextChoices):
    SPARK_CONNECT = "spark_connect"  # interactive sessions
    JOB = "job"


class ExecutionMode(models.TextChoices):
    STANDALONE = "standalone"  # one Sail process (Sail's `local` mode)
    CLUSTER = "cluster"  # a driver and workers (Sail's `local-cluster` mode on the local provider)


class ComputeConfig(BaseModel):
    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("org.Team", on_delete=models.CASCADE, related_name="+")
    cluster = models.ForeignKey("infra.Cluster", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200, blank=True, default="")
    workload_type = models.CharField(max_length=16, choices=WorkloadType.choices)
    anonymous = models.BooleanField(default=False, help_text="Inline: made for one use, never listed.")
    is_default = models.BooleanField(default=False, help_text="What a session of the team uses when it names none.")
    config = JSONField(default=dict, blank=True, help_text="The wire `config`: `{sail: {...}}`.")
    endpoint_limits = JSONField(default=dict, blank=True, help_text="Open sessions per endpoint type.")

    class Meta:
        app_label = "workloads"
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["organization", "name", "id"], name="wl_compute_config_org_name_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(workload_type__in=WorkloadType.values), name="wl_compute_config_type_valid"
            ),
            models.UniqueConstraint(
                fields=["team", "name"], condition=models.Q(anonymous=False), name="wl_compute_config_name_unique"
            ),
            models.UniqueConstraint(
                fields=["team", "workload_type"],
                condition=models.Q(is_default=True),
                name="wl_compute_config_one_default",
            ),
            models.CheckConstraint(
                condition=models.Q(anonymous=True) | ~models.Q(name=""), name="wl_compute_config_named"
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"inline config {self.pk}"

    @property
    def sail(self) -> dict:
        return dict(self.config.get("sail") or {})
