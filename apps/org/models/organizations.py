from typing import Any

from django.db import models

from apps.core.db.fields import JSONField
from apps.core.models import BaseModel


def _limits(idle: int, close_delay: int, duration: int) -> dict[str, int]:
    return {"idleTimeoutSeconds": idle, "idleCloseDelaySeconds": close_delay, "maxDurationSeconds": duration}


def default_settings() -> dict[str, Any]:
    """The reference's `organization.settings`, with the defaults a new organization starts with."""
    fallback = {"defaults": _limits(1800, 60, 43200), "maximums": _limits(14400, 600, 86400)}
    return {
        "auth": {
            "requireEmailVerification": False,
            "allowLoginWithPassword": True,
            "allowLoginWithEmail": True,
            "requireDpop": False,
            "checkBreachedPasswords": False,
            "acr": "",
            "ssoSkipsMfa": False,  # SSO sign-ins still pass the console's MFA unless the organization trusts its IdP's
        },
        "sessions": {
            "maxRunningWorkloads": 10,
            "maxConcurrentClients": 20,
            "maxConcurrentSessionsPerMember": 5,
            "endpointFallback": fallback,
            "endpointDefaults": {"spark_connect": fallback},
        },
    }


class Organization(BaseModel):
    slug = models.SlugField(max_length=63, unique=True)
    name = models.CharField(max_length=200)
    settings = JSONField(default=default_settings)
    default_org_role = models.ForeignKey("org.Role", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    default_team = models.ForeignKey("org.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
