from django.db import models

from apps.core.models import BaseModel


class ServiceAccount(BaseModel):
    """A non-human principal of one organization; it authenticates with API keys."""

    is_service_account = True  # how layers below identity tell it from a user without importing it
    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="service_accounts")
    username = models.CharField(max_length=100)
    description = models.TextField(blank=True, default="")
    is_enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "username"], name="service_account_username_unique")
        ]

    def __str__(self) -> str:
        return self.username

    # DRF treats request.user as authenticated when this is true.
    is_authenticated = True
    is_anonymous = False


class ApiKey(BaseModel):
    service_account = models.ForeignKey(ServiceAccount, on_delete=models.CASCADE, related_name="keys")
    name = models.CharField(max_length=100, blank=True, default="")
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.service_account_id})"
