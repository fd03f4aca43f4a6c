"""The one authorization entry point: "may this principal do relation R here?".

Permissions are computed once per principal (one query) and cached on it for the request.
Every service that changes state calls `require`; every list goes through a selector that
applies `visible`.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from apps.core.errors import Forbidden
from apps.org.models import Member, MemberRole, Organization
from apps.org.permissions import RELATIONS, SYSTEM_ORG_ROLES


@dataclass
class Principal:
    """Who is calling: a user (through a login) or a service account (through an API key)."""

    user: Any = None
    service_account: Any = None
    credential: Any = None
    org: Organization | None = None
    member: Member | None = None
    _permissions: frozenset[str] | None = field(default=None, repr=False)

    @property
    def id(self) -> str:
        return (self.user or self.service_account).pk

    @property
    def kind(self) -> str:
        return "user" if self.user is not None else "service_account"

    def permissions(self) -> frozenset[str]:
        if self._permissions is None:
            self._permissions = _load_permissions(self)
        return self._permissions


def _load_permissions(principal: Principal) -> frozenset[str]:
    if principal.member is None:
        return frozenset()
    keys = MemberRole.objects.filter(member=principal.member).values_list("role__key", flat=True)
    granted: set[str] = set()
    for key in keys:
        granted |= SYSTEM_ORG_ROLES.get(key, ("", "", False, False, frozenset()))[4]
    return frozenset(granted)


def has(principal: Principal, relation: str) -> bool:
    if relation not in RELATIONS:
        raise KeyError(f"unknown relation {relation}")
    return relation in principal.permissions()


def require(principal: Principal, relation: str, obj: Any = None) -> None:
    """Raise Forbidden unless the principal holds the relation in its organization."""
    if obj is not None and getattr(obj, "organization_id", None) not in (None, principal.org and principal.org.pk):
        raise Forbidden("You do not have permission to perform this action.")
    if not has(principal, relation):
        raise Forbidden(
            "You do not have permission to perform this action.",
            code="permission_denied",
            caused_by=relation,
        )


def visible(queryset: QuerySet, principal: Principal, relation: str) -> QuerySet:
    """The part of an organization-scoped queryset the principal may see: nothing outside its org."""
    if principal.org is None or not has(principal, relation):
        return queryset.none()
    return queryset.filter(organization=principal.org)
