from django.db.models import QuerySet

from apps.core import clock
from apps.core.errors import NotFound
from apps.core.principal import Principal
from apps.org.access import visible
from apps.org.models import Invitation


def invitation_pending_list(*, principal: Principal) -> QuerySet[Invitation]:
    """Invitations not accepted and not expired (nor revoked or superseded), for those who manage them."""
    return (
        visible(Invitation.objects.all(), principal, "CanManageInvitations")
        .filter(accepted_at__isnull=True, expires_at__gt=clock.now())
        .select_related("organization_role", "invited_by_member")
        .order_by("email", "id")
    )


def invitation_get(*, principal: Principal, invitation_id: str) -> Invitation:
    """A pending invitation; a used, expired or another organization's one is not found."""
    invitation = invitation_pending_list(principal=principal).filter(pk=invitation_id).first()
    if invitation is None:
        raise NotFound("Invitation not found.", code="invitation_not_found")
    return invitation
