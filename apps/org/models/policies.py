from django.db import models

from apps.core.db.fields import JSONField
from apps.core.models import BaseModel


class PrincipalType(models.TextChoices):
    USER = "user"
    TEAM = "team"
    SERVICE_ACCOUNT = "service_account"


class Policy(BaseModel):
    """Permissions granted to one principal at organization scope, on top of its roles."""

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="policies")
    principal_type = models.CharField(max_length=20, choices=PrincipalType.choices)
    principal_id = models.CharField(max_length=20)
    permissions = JSONField(default=list)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "principal_id"], name="policy_principal_unique"),
            models.CheckConstraint(
                condition=models.Q(principal_type__in=PrincipalType.values), name="policy_principal_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"policy of {self.principal_type} {self.principal_id}"
