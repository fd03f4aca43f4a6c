"""What the metrics beat task measured on a provisioned cluster, every INFRA_METRICS_SAMPLE_SECONDS (kept 7 days)."""

from django.db import models


class ClusterMetricSample(models.Model):
    cluster = models.ForeignKey("infra.ProvisionedCluster", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()
    # None when the provider measures elsewhere (aws: CloudWatch) or the cluster's processes were gone.
    cpu_percent = models.FloatField(null=True, blank=True, help_text="Percent of the host's CPU capacity.")
    memory_mib = models.FloatField(null=True, blank=True)
    active_runs = models.PositiveIntegerField(default=0)

    class Meta:
        app_label = "infra"
        indexes = [models.Index(fields=["cluster", "at"], name="infra_metric_cluster_at_idx")]

    def __str__(self) -> str:
        return f"{self.cluster_id} @ {self.at:%Y-%m-%d %H:%M:%S}"
