"""A cloud account (or this machine) the organization provisions networks and clusters through."""

import secrets

from django.db import models

from apps.core.crypto import EncryptedTextField
from apps.core.db.fields import JSONField
from apps.core.models import BaseModel
from apps.infra.models.statuses import ConnectionStatus, ProviderKey


def new_external_id() -> str:
    return secrets.token_urlsafe(32)


class Connection(BaseModel):
    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    provider = models.CharField(max_length=16, choices=ProviderKey.choices)
    provider_config = JSONField(default=dict, blank=True)
    # aws: the sts:ExternalId the customer's role trusts; generated here, never on the wire except in the template.
    external_id = EncryptedTextField(default=new_external_id)
    status = models.CharField(max_length=16, choices=ConnectionStatus.choices, default=ConnectionStatus.PENDING)
    status_message = models.TextField(blank=True, default="")
    last_used_at = models.DateTimeField(null=True, blank=True)
    template_synced_at = models.DateTimeField(null=True, blank=True)
    template_sync_message = models.TextField(blank=True, default="")
    # What template-sync steps persist between runs (their `StepContext.state`); not on the wire.
    template_state = JSONField(default=dict, blank=True)
    last_operation = models.ForeignKey(
        "core.Operation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        app_label = "infra"
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="connection_name_unique"),
            models.CheckConstraint(
                condition=models.Q(provider__in=ProviderKey.values), name="connection_provider_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ConnectionStatus.values), name="connection_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.provider})"
