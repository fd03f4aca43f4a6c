from django.db import models

from apps.core.crypto import EncryptedTextField
from apps.core.models import BaseModel


class TotpDevice(BaseModel):
    """A user's authenticator app. Unconfirmed until the user proves it with a first code."""

    user = models.OneToOneField("identity.User", on_delete=models.CASCADE, related_name="totp")
    secret = EncryptedTextField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last accepted 30-second step: a code is accepted at most once (pyotp does not remember).
    last_used_step = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"totp of {self.user_id}"


class RecoveryCode(BaseModel):
    user = models.ForeignKey("identity.User", on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=200)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery code {self.id} of {self.user_id}"


class TrustedDevice(BaseModel):
    """A browser or client that passed MFA and may skip it for a while (a 256-bit cookie, stored hashed)."""

    user = models.ForeignKey("identity.User", on_delete=models.CASCADE, related_name="trusted_devices")
    token_hash = models.CharField(max_length=64, unique=True)
    device_id = models.CharField(max_length=64, blank=True, default="")
    remote_ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True, default="")
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "revoked_at", "expires_at"])]

    def __str__(self) -> str:
        return f"trusted device {self.id} of {self.user_id}"
