from django.db import transaction

from apps.core import audit
from apps.core.operations import Operation, operation_create
from apps.core.principal import Principal
from apps.org.access import require


def diagnostics_start(*, principal: Principal) -> Operation:
    """Start the diagnostics operation: the platform checks its own dependencies in a worker."""
    from apps.core.tasks import run_diagnostics

    require(principal, "CanManageOrganization")
    org = principal.org
    assert org is not None  # require() refuses principals outside an organization
    with transaction.atomic():
        op = operation_create(
            organization_id=org.pk,
            operation="diagnostics",
            member_id=principal.member.pk if principal.member else "",
            resource_type="organization",
            resource_id=org.pk,
        )
        audit.record("diagnostics.start", organization_id=org.pk, target_type="operation", target_id=op.pk)
        transaction.on_commit(lambda: run_diagnostics.delay(op.pk))
    return op
