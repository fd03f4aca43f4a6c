"""Clusters, twice as the reference has them.

`ProvisionedCluster` is the infrastructure under a connection (wire: the provisioned or "external" cluster, with
`config`, `iacState`, health). `Cluster` is what jobs and sessions name: created and linked when the provisioned
cluster is first provisioned, listed by `/me/clusters`, reporting the infrastructure's state as `externalStatus`.
Teams are given access to the provisioned cluster (so before it is provisioned too) and reach its `Cluster`.
"""

from django.db import models

from apps.core.db.fields import JSONField
from apps.core.models import BaseModel
from apps.infra.models.statuses import HealthStatus, ResourceStatus


class ProvisionedCluster(BaseModel):
    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey("infra.Connection", on_delete=models.PROTECT, related_name="clusters")
    network = models.ForeignKey("infra.Network", on_delete=models.PROTECT, related_name="clusters")
    name = models.CharField(max_length=200)
    region = models.CharField(max_length=64)
    config = JSONField(default=dict, blank=True)
    provider_metadata = JSONField(default=dict, blank=True)
    iac_state = JSONField(default=dict, blank=True)
    iac_outputs = JSONField(default=dict, blank=True)
    job_runner_role_arn = models.CharField(max_length=300, blank=True, default="")
    status = models.CharField(max_length=16, choices=ResourceStatus.choices, default=ResourceStatus.PENDING)
    status_message = models.TextField(blank=True, default="")
    last_health_status = models.CharField(max_length=16, choices=HealthStatus.choices, default=HealthStatus.UNKNOWN)
    last_health_message = models.TextField(blank=True, default="")
    last_health_check_at = models.DateTimeField(null=True, blank=True)
    last_operation = models.ForeignKey(
        "core.Operation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    teams = models.ManyToManyField("org.Team", through="infra.ClusterTeam", related_name="+")

    class Meta:
        app_label = "infra"
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="provisioned_cluster_name_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=ResourceStatus.values), name="provisioned_cluster_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(last_health_status__in=HealthStatus.values),
                name="provisioned_cluster_health_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.status})"

    @property
    def linked_cluster_id(self) -> str | None:
        """The job-facing cluster's id, once provisioning created it."""
        try:
            return self.cluster.pk
        except Cluster.DoesNotExist:
            return None


class Cluster(BaseModel):
    """The job-facing cluster. Name and placement repeat the provisioned cluster's (kept equal by the services),
    so `/me/clusters` sorts and pages on this table alone."""

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    provisioned_cluster = models.OneToOneField(ProvisionedCluster, on_delete=models.CASCADE, related_name="cluster")
    connection = models.ForeignKey("infra.Connection", on_delete=models.PROTECT, related_name="+")
    network = models.ForeignKey("infra.Network", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    region = models.CharField(max_length=64)

    class Meta:
        app_label = "infra"
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["organization", "name", "id"], name="infra_cluster_org_name_idx")]

    def __str__(self) -> str:
        return self.name


class ClusterTeam(BaseModel):
    """A team given access to a cluster: its members view and use it as their team roles allow."""

    cluster = models.ForeignKey(ProvisionedCluster, on_delete=models.CASCADE, related_name="team_links")
    team = models.ForeignKey("org.Team", on_delete=models.CASCADE, related_name="+")

    class Meta:
        app_label = "infra"
        constraints = [models.UniqueConstraint(fields=["cluster", "team"], name="cluster_team_unique")]
