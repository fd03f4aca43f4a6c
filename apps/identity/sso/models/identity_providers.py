from django.db import models

from apps.core.crypto import EncryptedTextField
from apps.core.db.fields import JSONField
from apps.core.models import BaseModel

DEFAULT_SCOPES = ("openid", "email", "profile")


def default_scopes() -> list[str]:
    return list(DEFAULT_SCOPES)


class IdentityProvider(BaseModel):
    """An organization's OpenID Connect provider. Its client secret is encrypted and never leaves the server."""

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="identity_providers")
    provider_type = models.CharField(max_length=32, help_text="An id of the provider type catalog.")
    name = models.CharField(max_length=200)
    issuer = models.CharField(max_length=500)
    client_id = models.CharField(max_length=255)
    client_secret = EncryptedTextField(blank=True, default="")
    scopes = JSONField(default=default_scopes)
    # Just-in-time membership for people without an invitation: only these email domains.
    allowed_email_domains = JSONField(default=list, blank=True)
    is_enabled = models.BooleanField(default=True)
    # When the issuer's discovery last answered, for the current issuer (an enabled provider is tested on saving).
    verified_at = models.DateTimeField(null=True, blank=True)
    # Offered although its connection test failed: an administrator chose so, and the console says it.
    enabled_untested = models.BooleanField(default=False)
    # Set when the client was registered dynamically (RFC 7591/7592), to manage it later.
    registration_client_uri = models.CharField(max_length=500, blank=True, default="")
    registration_access_token = EncryptedTextField(blank=True, default="")

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="idp_name_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization_id})"


class FederatedIdentity(BaseModel):
    """A user's account at an identity provider: the (provider, `sub`) pair an SSO login is matched by."""

    identity_provider = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE, related_name="identities")
    subject = models.CharField(max_length=255)
    user = models.ForeignKey("identity.User", on_delete=models.CASCADE, related_name="federated_identities")
    email = models.EmailField(blank=True, default="", help_text="As last asserted by the provider; not a key.")
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["identity_provider", "subject"], name="federated_subject_unique"),
            models.UniqueConstraint(fields=["identity_provider", "user"], name="federated_user_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} at {self.identity_provider_id}"
