from django.db import transaction

from apps.core.operations import Operation, operation_create
from apps.org.access import Principal, require


def diagnostics_start(*, principal: Principal) -> Operation:
    """Start the diagnostics operation: the platform checks its own dependencies in a worker."""
    from apps.core.tasks import run_diagnostics

    require(principal, "CanManageOrganization")
    with transaction.atomic():
        op = operation_create(
            organization_id=principal.org.pk,
            operation="diagnostics",
            member_id=principal.member.pk if principal.member else "",
            resource_type="organization",
            resource_id=principal.org.pk,
        )
        transaction.on_commit(lambda: run_diagnostics.delay(op.pk))
    return op
