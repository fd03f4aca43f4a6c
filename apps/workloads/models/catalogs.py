from django.db import models
from django.db.models.functions import Lower

from apps.core.crypto import EncryptedTextField
from apps.core.db.fields import JSONField
from apps.core.models import BaseModel
from apps.workloads.models.choices import CatalogProvider
from apps.workloads.models.sharing import SharedWithTeams


class Catalog(SharedWithTeams, BaseModel):
    """Where tables are found: a provider and its options. Secrets (tokens) are kept apart, encrypted."""

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    provider = models.CharField(max_length=32, choices=CatalogProvider.choices)
    config = JSONField(default=dict, blank=True, help_text="Options other than secrets, by wire name.")
    secrets = EncryptedTextField(blank=True, default="", help_text="A JSON object of the secret options.")
    teams = models.ManyToManyField("org.Team", through="workloads.CatalogTeam", related_name="+")

    class Meta:
        app_label = "workloads"
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["organization", "name", "id"], name="wl_catalog_org_name_idx")]
        constraints = [
            models.UniqueConstraint(Lower("name"), "organization", name="wl_catalog_name_unique"),
            models.CheckConstraint(condition=models.Q(provider__in=CatalogProvider.values), name="wl_catalog_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.provider})"


class CatalogTeam(BaseModel):
    catalog = models.ForeignKey(Catalog, on_delete=models.CASCADE, related_name="team_links")
    team = models.ForeignKey("org.Team", on_delete=models.CASCADE, related_name="+")

    class Meta:
        app_label = "workloads"
        constraints = [models.UniqueConstraint(fields=["catalog", "team"], name="wl_catalog_team_unique")]
