from django.db.models import Prefetch, QuerySet

from apps.core.console_list import ListOptions
from apps.core.errors import NotFound
from apps.core.principal import Principal
from apps.notifications.access import visible_owned
from apps.notifications.models import Rule, RuleChannel

RULE_LIST = ListOptions(
    sorts={"name": ("name",), "resource": ("resource_type", "name"), "mode": ("delivery_mode", "name")},
    default_sort="name",
    search_fields=("name",),
)


def rule_list(
    *,
    principal: Principal,
    team_id: str | None = None,
    member_id: str | None = None,
    resource_type: str | None = None,
    scope_type: str | None = None,
) -> QuerySet[Rule]:
    """Rules the principal may see, with their channel ids (one more query for a whole page)."""
    rules = visible_owned(Rule.objects.all(), principal).prefetch_related(
        Prefetch("channel_links", queryset=RuleChannel.objects.order_by("channel_id"))
    )
    filters = {"team_id": team_id, "member_id": member_id, "resource_type": resource_type, "scope_type": scope_type}
    return rules.filter(**{k: v for k, v in filters.items() if v}).order_by("name", "id")


def rule_get(*, principal: Principal, rule_id: str) -> Rule:
    rule = rule_list(principal=principal).filter(pk=rule_id).first()
    if rule is None:
        raise NotFound("Rule not found.", code="rule_not_found")
    return rule
