from typing import ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q

from apps.core.models import BaseModel


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        return self.create_user(email, password, is_staff=True, is_superuser=True, **fields)


class User(BaseModel, AbstractBaseUser, PermissionsMixin):
    """A person. Email is the login; membership in organizations lives in org.Member."""

    email = models.EmailField(unique=True)
    given_name = models.CharField(max_length=150, blank=True, default="")
    family_name = models.CharField(max_length=150, blank=True, default="")
    display_name = models.CharField(max_length=300, blank=True, default="")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May use the Django admin.")
    email_verified_at = models.DateTimeField(null=True, blank=True)
    # A temporary password set by an administrator: it must be replaced at first use and expires.
    password_change_required = models.BooleanField(default=False)
    password_expires_at = models.DateTimeField(null=True, blank=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    @property
    def name(self) -> str:
        return self.display_name or " ".join(p for p in (self.given_name, self.family_name) if p) or self.email


class UserEmail(BaseModel):
    """An address a user has added; once verified it can become the login email."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="emails")
    email = models.EmailField()
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "email"], name="user_email_unique"),
            # Anyone may claim an address, but only one account can prove it owns it.
            models.UniqueConstraint(
                fields=["email"], condition=Q(verified_at__isnull=False), name="verified_email_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.email
