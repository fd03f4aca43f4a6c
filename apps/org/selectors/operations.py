from apps.core.errors import NotFound
from apps.core.operations import Operation
from apps.core.principal import Principal
from apps.org.access import visible


def operation_get(*, principal: Principal, operation_id: str) -> Operation:
    op = visible(Operation.objects.all(), principal, "CanViewOperations").filter(pk=operation_id).first()
    if op is None:
        raise NotFound("Operation not found.")
    return op
