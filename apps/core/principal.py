"""Who is calling: the one description of the acting principal that the API, the console and tasks share.

Core owns the shape (and the per-request grants cache slot); `apps.org.access` fills the grants, because
organizations, roles and policies are the org domain's business.
"""

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Principal:
    """A user (through a login) or a service account (through an API key), acting in `org` when set."""

    user: Any = None
    service_account: Any = None
    credential: Any = None
    org: Any = None
    member: Any = None
    grants_cache: Any = field(default=None, repr=False)

    @property
    def id(self) -> str:
        return (self.user or self.service_account).pk

    @property
    def kind(self) -> str:
        return "user" if self.user is not None else "service_account"
