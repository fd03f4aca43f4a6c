"""API base classes: authentication, the acting principal, and the organization context.

Organization context fails closed: a caller who is not a member of the organization named in
`LakeSail-Organization-Id` gets a 404 error object and no data. Subclasses never write their
own `get_queryset`: every read goes through a selector that takes `org` and the principal.
"""

from typing import Any

from rest_framework.request import Request
from rest_framework.views import APIView

from apps.core.actor import set_actor
from apps.core.compiled import CompiledQuery
from apps.core.errors import InvalidInput, NotFound, Unauthenticated
from apps.core.principal import Principal
from apps.org.login_limits import login_within_org_limits
from apps.org.mfa_requirement import require_mfa_if_due
from apps.org.models import Organization
from apps.org.selectors.members import enabled_memberships

ORG_HEADER = "LakeSail-Organization-Id"


class ApiView(APIView):
    """An authenticated endpoint that does not act in an organization (`/me`, `/auth/logout`)."""

    principal: Principal

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if request.user is None:
            return
        # The authentication classes (identity's) put a user or a service account here; org needs no import of them.
        if getattr(request.user, "is_service_account", False):
            self.principal = Principal(service_account=request.user, credential=request.auth)
        else:
            self.principal = Principal(user=request.user, credential=request.auth)
        set_actor(self.principal.id, self.principal.kind)


class OrgApiView(ApiView):
    """An endpoint acting in one organization: `self.org`, `self.principal.member` are set."""

    org: Organization
    organization_header = ORG_HEADER  # the schema documents this header on every organization-scoped operation

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__ or "queryset" in cls.__dict__:
            raise TypeError(f"{cls.__name__}: read through selectors that take the organization, not get_queryset")

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if request.user is None:
            return
        self.org = resolve_organization(self.principal, request)
        self.principal.org = self.org
        require_mfa_if_due(self.principal.member)


# Every organization-scoped request resolves its member: compiled once (see apps.core.compiled).
_MEMBERSHIP = CompiledQuery(
    lambda *, user_id, org_id: enabled_memberships(user_id=user_id).filter(organization_id=org_id)[:1],
    "user_id",
    "org_id",
)
_MEMBERSHIPS = CompiledQuery(lambda *, user_id: enabled_memberships(user_id=user_id)[:2], "user_id")


def resolve_organization(principal: Principal, request: Request) -> Organization:
    wanted = request.headers.get(ORG_HEADER, "").strip()
    if not wanted:
        wanted = request._request.session.get("organization_id", "") if hasattr(request._request, "session") else ""
    if principal.service_account is not None:
        org = principal.service_account.organization
        if wanted and wanted != org.pk:
            raise NotFound("Organization not found.", code="organization_not_found")
        return org
    if wanted:
        found = _MEMBERSHIP.objects(user_id=principal.user.pk, org_id=wanted)
        member = found[0] if found else None
    else:
        found = _MEMBERSHIPS.objects(user_id=principal.user.pk)
        if len(found) > 1:
            raise InvalidInput(
                f"You belong to several organizations: name one in the {ORG_HEADER} header.",
                code="organization_required",
                field_errors={ORG_HEADER: "Required when you belong to several organizations."},
            )
        member = found[0] if found else None
    if member is None:
        raise NotFound("Organization not found.", code="organization_not_found")
    if principal.credential is not None and not login_within_org_limits(principal.credential, member.organization):
        raise Unauthenticated("Your login ended under the organization's login policy.", code="login_expired")
    principal.member = member
    return member.organization
