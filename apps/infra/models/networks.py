"""A network provisioned through a connection (aws: a VPC; local: a storage root under the data directory)."""

from django.db import models

from apps.core.db.fields import JSONField
from apps.core.models import BaseModel
from apps.infra.models.statuses import NETWORK_STATUSES, ResourceStatus


class Network(BaseModel):
    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    # PROTECT: a connection goes only after its networks (services delete or refuse, never a cascade).
    connection = models.ForeignKey("infra.Connection", on_delete=models.PROTECT, related_name="networks")
    name = models.CharField(max_length=200)
    region = models.CharField(max_length=64)
    provider_network_id = models.CharField(max_length=200, blank=True, default="")
    config = JSONField(default=dict, blank=True)
    iac_state = JSONField(default=dict, blank=True)
    iac_outputs = JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=ResourceStatus.choices, default=ResourceStatus.PENDING)
    status_message = models.TextField(blank=True, default="")
    last_operation = models.ForeignKey(
        "core.Operation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        app_label = "infra"
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["connection", "name"], name="network_name_unique"),
            models.CheckConstraint(condition=models.Q(status__in=NETWORK_STATUSES), name="network_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.status})"
