from django.db import models

from apps.core.models import BaseModel


class Role(BaseModel):
    """An organization role. System roles are seeded per organization; `key` names them in code."""

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="roles")
    key = models.CharField(max_length=32)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, default="")
    all_teams = models.BooleanField(default=False, help_text="The role's permissions apply in every team.")
    break_glass = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="role_key_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization_id})"


class TeamRole(BaseModel):
    """A role a member holds inside one team; its permissions apply to that team's resources."""

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="team_roles")
    key = models.CharField(max_length=32)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="team_role_key_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization_id})"


class PermissionBundle(BaseModel):
    """A named group of permissions that roles are built from (seeded per organization)."""

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="bundles")
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["organization", "code"], name="bundle_code_unique")]

    def __str__(self) -> str:
        return self.code
