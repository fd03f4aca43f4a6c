from django.db.models import QuerySet

from apps.core.errors import NotFound
from apps.core.principal import Principal
from apps.org.access import visible
from apps.org.models import Policy


def policy_list(*, principal: Principal) -> QuerySet[Policy]:
    return visible(Policy.objects.all(), principal, "CanViewPolicies").order_by("created_at", "id")


def policy_get(*, principal: Principal, principal_id: str) -> Policy:
    policy = policy_list(principal=principal).filter(principal_id=principal_id).first()
    if policy is None:
        raise NotFound("No policy for this principal.", code="policy_not_found")
    return policy
