from django.db import models

from apps.core.db.fields import JSONField
from apps.core.models import BaseModel


class Invitation(BaseModel):
    """An emailed invitation to join an organization. The token is stored hashed and works once."""

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    name = models.CharField(max_length=300, blank=True, default="")
    organization_role = models.ForeignKey("org.Role", on_delete=models.CASCADE, related_name="+")
    account_type = models.CharField(max_length=16, default="managed")
    team_assignments = JSONField(default=list, help_text='[{"teamId": ..., "roleId": ...}]')
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by_member = models.ForeignKey("org.Member", null=True, on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_member = models.ForeignKey("org.Member", null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["organization", "email"])]

    def __str__(self) -> str:
        return f"invitation of {self.email} to {self.organization_id}"
