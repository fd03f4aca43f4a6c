from django.db.models import QuerySet

from apps.identity.models import User
from apps.org.models import Organization


def organizations_of(user: User) -> QuerySet[Organization]:
    return Organization.objects.filter(members__user=user, members__is_enabled=True).order_by("name", "id")
