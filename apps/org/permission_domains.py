"""The permission catalog grouped by domain, in words people read: "Manage members — Manage organization
members and their roles", under "Organization". Every page that shows permissions uses these groups.

A relation's domain follows from the thing it acts on (`CanRunJobs` → Jobs → Workloads); a relation a new
domain adds without listing its noun here shows under "Other" until it is listed.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from apps.core.console import permission_label
from apps.org.access import Source, permission_sources
from apps.org.permissions import CATALOG, RELATIONS, Relation

DOMAINS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Organization",
        ("Organization", "Owners", "Members", "Teams", "Roles", "Policies", "Invitations", "AuditLog", "Operations"),
    ),
    ("Identity", ("Users", "IdentityProviders", "ServiceAccounts")),
    ("Infrastructure", ("Connections", "Networks", "Clusters")),
    ("Workloads", ("Catalogs", "Queries", "Jobs", "Runs", "Sessions", "ComputeConfigs")),
    ("Notifications", ("Notifications",)),
)
OTHER = "Other"
_DOMAIN_OF_NOUN = {noun: domain for domain, nouns in DOMAINS for noun in nouns}
_VERB = re.compile(r"^Can(View|Manage|Use|Run|Start)")

T = TypeVar("T")


def domain_of(relation: str) -> str:
    return _DOMAIN_OF_NOUN.get(_VERB.sub("", relation), OTHER)


@dataclass(frozen=True)
class Permission:
    """A relation for people: its name, its one-line description, its domain, and the code it goes by."""

    relation: str
    name: str
    description: str
    domain: str

    @classmethod
    def of(cls, relation: Relation) -> "Permission":
        return cls(
            relation.relation, permission_label(relation.relation), relation.description, domain_of(relation.relation)
        )


def permission(relation: str) -> Permission:
    return Permission.of(RELATIONS[relation])


def grouped(items: Iterable[T], relation_of: Callable[[T], str]) -> list[tuple[str, list[T]]]:
    """`items` in domain groups (the order of DOMAINS, then Other), keeping the catalog's order inside a group."""
    order = {r.relation: i for i, r in enumerate(CATALOG)}
    groups: dict[str, list[T]] = {}
    for item in sorted(items, key=lambda item: order.get(relation_of(item), len(order))):
        groups.setdefault(domain_of(relation_of(item)), []).append(item)
    ranked = [name for name, _nouns in DOMAINS] + [OTHER]
    return [(name, groups[name]) for name in ranked if name in groups]


def catalog_groups(*, include_system_only: bool = True) -> list[tuple[str, list[Permission]]]:
    """The whole catalog, grouped, as Permissions."""
    return grouped(
        [Permission.of(r) for r in CATALOG if include_system_only or not r.system_only], lambda p: p.relation
    )


@dataclass(frozen=True)
class Effective:
    """A permission someone holds, with every source that gives it."""

    permission: Permission
    sources: list[Source]

    @property
    def org_wide(self) -> bool:
        return any(not s.team for s in self.sources)


def effective_permissions(subject: Any) -> list[tuple[str, list[Effective]]]:
    """A member's or a service account's permissions, grouped by domain, each with where it comes from."""
    by_relation: dict[str, list[Source]] = {}
    for relation, source in permission_sources(subject):
        sources = by_relation.setdefault(relation, [])
        if source not in sources:
            sources.append(source)
    return grouped(
        [Effective(permission(r), sources) for r, sources in by_relation.items()], lambda e: e.permission.relation
    )
