from django.db import models

from apps.core.db.fields import JSONField
from apps.core.models import BaseModel


class AccountType(models.TextChoices):
    MANAGED = "managed"
    FEDERATED = "federated"


class Member(BaseModel):
    """A user's membership in one organization."""

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey("identity.User", on_delete=models.CASCADE, related_name="memberships")
    name = models.CharField(max_length=300, blank=True, default="")
    email = models.EmailField()
    is_enabled = models.BooleanField(default=True)
    account_type = models.CharField(max_length=16, choices=AccountType.choices, default=AccountType.MANAGED)
    preferences = JSONField(default=dict, blank=True)
    invited_by_member_id = models.CharField(max_length=20, blank=True, default="")
    invite_expires_at = models.DateTimeField(null=True, blank=True)
    invite_accepted_at = models.DateTimeField(null=True, blank=True)
    last_login_at = models.DateTimeField(null=True, blank=True)
    last_active_at = models.DateTimeField(null=True, blank=True)
    roles = models.ManyToManyField("org.Role", through="org.MemberRole", related_name="members")

    class Meta:
        ordering = ["name", "email"]
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="member_user_unique")]
        # The member lists' orders (name, then email; email), with the id that breaks ties: the database walks a
        # page's ids in order from the index alone, however deep the page.
        indexes = [
            models.Index(fields=["organization", "email", "id"], name="member_email_order"),
            models.Index(fields=["organization", "name", "email", "id"], name="member_name_order"),
        ]

    def __str__(self) -> str:
        return f"{self.email} in {self.organization_id}"


class MemberRole(BaseModel):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="role_links")
    role = models.ForeignKey("org.Role", on_delete=models.CASCADE, related_name="member_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "role"], name="member_role_unique")]
