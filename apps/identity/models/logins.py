from django.db import models

from apps.core import clock
from apps.core.models import BaseModel


class Login(BaseModel):
    """One signed-in session: a Bearer token (stored as its SHA-256) or a console session."""

    user = models.ForeignKey("identity.User", on_delete=models.CASCADE, related_name="logins")
    token_hash = models.CharField(max_length=64, unique=True)
    device_id = models.CharField(max_length=64, blank=True, default="")
    remote_ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True, default="")
    auth_time = models.DateTimeField(default=clock.now)
    last_used_at = models.DateTimeField(default=clock.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "revoked_at", "expires_at"])]

    def __str__(self) -> str:
        return f"login {self.id} of {self.user_id}"
