from django.db import models

from apps.core.models import BaseModel


class Role(BaseModel):
    """An organization role. System roles are seeded per organization; `key` names them in code."""

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="roles")
    key = models.CharField(max_length=32)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, default="")
    all_teams = models.BooleanField(default=False)
    break_glass = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="role_key_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization_id})"
