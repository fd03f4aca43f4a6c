"""An organization's rules compiled for matching: loaded once per process and reused while nothing changed.

Every write to a rule or a channel replaces the organization's `RuleSetVersion` token in its own transaction
(`changed()`). The matcher reads the token (`TOKEN_SQL`, within the one statement that reads what it needs to
know of an event) and rebuilds its copy only when it moved (three queries). Finding an event's rules is then
dictionary lookups by (event type, scope type, scope id), the scope id being "" for the organization, the
team's id, the watched resource's id, or the owning member's user id (own_resources): the work per event does
not grow with the number of rules.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction

from apps.core.ids import new_id
from apps.notifications.models import Channel, Rule, RuleChannel, RuleSetVersion, ScopeType
from apps.org.models import Member

MAX_ORGANIZATIONS = 1000  # compiled rule sets kept per process, the oldest dropped first

Target = tuple[Rule, Channel]


@dataclass
class RuleSet:
    token: str
    targets: dict[tuple[str, str, str], list[Target]] = field(default_factory=dict)

    def lookup(self, event_type: str, keys: Sequence[tuple[str, str]]) -> list[Target]:
        """The (rule, channel) pairs of rules of `event_type` whose (scope type, scope id) is among `keys`."""
        found: list[Target] = []
        for scope_type, scope_id in dict.fromkeys(keys):
            found.extend(self.targets.get((event_type, scope_type, scope_id), ()))
        return found


_compiled: dict[str, RuleSet] = {}


def changed(organization_id: str) -> None:
    """Call in the transaction of every change to the organization's rules or channels."""
    if RuleSetVersion.objects.filter(organization_id=organization_id).update(token=new_id()):
        return
    try:
        with transaction.atomic():
            RuleSetVersion.objects.create(organization_id=organization_id)
    except IntegrityError:  # created meanwhile by a concurrent change
        RuleSetVersion.objects.filter(organization_id=organization_id).update(token=new_id())


def current(organization_id: str) -> RuleSet:
    """The organization's compiled rules as of this transaction."""
    return at(organization_id, _token(organization_id))


def at(organization_id: str, token: str) -> RuleSet:
    """The organization's compiled rules at `token`, its version as this transaction read it (`TOKEN_SQL`)."""
    compiled = _compiled.get(organization_id)
    if compiled is not None and compiled.token == token:
        return compiled
    compiled = _load(organization_id, token)
    _compiled.pop(organization_id, None)
    if len(_compiled) >= MAX_ORGANIZATIONS:
        _compiled.pop(next(iter(_compiled)))
    _compiled[organization_id] = compiled
    return compiled


# The organization's version (no row before its first change), for parameter `organization_id`. Read for every event:
# plain SQL, a fraction of the cost of compiling the query each time.
TOKEN_SQL = f"SELECT token FROM {RuleSetVersion._meta.db_table} WHERE organization_id = %(organization_id)s"


def _token(organization_id: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(TOKEN_SQL, {"organization_id": organization_id})
        row = cursor.fetchone()
    return row[0] if row else ""


def _load(organization_id: str, token: str) -> RuleSet:
    rules = {r.pk: r for r in Rule.objects.filter(organization_id=organization_id, enabled=True)}
    owners = {r.member_id for r in rules.values() if r.scope_type == ScopeType.OWN_RESOURCES}
    owner_users = dict(Member.objects.filter(pk__in=owners).values_list("pk", "user_id")) if owners else {}
    links = (
        RuleChannel.objects.filter(rule__organization_id=organization_id, rule__enabled=True)
        .filter(channel__deleted_at__isnull=True)
        .select_related("channel")
        .defer("channel__secrets")  # never needed to match, and costly to decrypt
    )
    targets: dict[tuple[str, str, str], list[Target]] = defaultdict(list)
    for link in links:
        rule = rules[link.rule_id]
        scope_id = {ScopeType.ORGANIZATION: "", ScopeType.OWN_RESOURCES: owner_users.get(rule.member_id or "", "")}.get(
            ScopeType(rule.scope_type), rule.scope_id
        )
        for event_type in rule.event_types:
            targets[(event_type, rule.scope_type, scope_id)].append((rule, link.channel))
    return RuleSet(token=token, targets=dict(targets))
