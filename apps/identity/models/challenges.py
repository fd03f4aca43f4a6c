from django.db import models

from apps.core.models import BaseModel


class ChallengePurpose(models.TextChoices):
    MFA = "mfa"
    EMAIL_CODE = "email_code"
    PASSWORD_CHANGE = "password_change"


class LoginChallenge(BaseModel):
    """A login in progress: the first step passed, a second one (code or new password) is pending.

    The client holds an opaque challenge token (stored hashed); one-time email codes are bound to
    the challenge they were sent for. A challenge without a user is a decoy: an emailed-code sign-in for an
    unknown address gets one, so that every later step answers exactly as it would for a real account.
    """

    user = models.ForeignKey(
        "identity.User", null=True, blank=True, on_delete=models.CASCADE, related_name="login_challenges"
    )
    # The address the sign-in named: the throttling key of every step, decoys included.
    email = models.EmailField(blank=True, default="")
    token_hash = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=20, choices=ChallengePurpose.choices)
    remote_ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True, default="")
    device_id = models.CharField(max_length=64, blank=True, default="")
    # How the user got this far (password, email_code, sso): an emailed code cannot be both factors.
    first_factor = models.CharField(max_length=20, blank=True, default="")
    expires_at = models.DateTimeField()
    failures = models.PositiveSmallIntegerField(default=0)
    code_hash = models.CharField(max_length=200, blank=True, default="")
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.purpose} challenge {self.id} of {self.user_id}"


class AuthCounter(models.Model):
    """A brute-force counter shared by every worker: consecutive failures, attempts per window, lockouts."""

    key = models.CharField(max_length=300, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    window_ends_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key}={self.count}"
