"""The organization's own settings (designed endpoints: the reference has `organization.settings` on the
organization object but no endpoint to change it)."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.org.api.base import OrgApiView
from apps.org.api.serializers.entities import OrganizationSerializer
from apps.org.api.serializers.requests import OrganizationSettingsUpdateSerializer
from apps.org.services.organizations import organization_update

TAGS = ["organization"]
_FIELDS = {
    "name": "name",
    "slug": "slug",
    "settings": "settings",
    "defaultOrgRoleId": "default_org_role_id",
    "defaultTeamId": "default_team_id",
}


class OrganizationSettingsView(OrgApiView):
    @extend_schema(
        tags=TAGS, summary="Describe the organization and its settings", responses={200: OrganizationSerializer}
    )
    def get(self, request: Request) -> Response:
        """Every member may read the organization's settings (they hold no secret)."""
        return Response(OrganizationSerializer(self.org).data)

    @extend_schema(
        tags=TAGS,
        summary="Change the organization's name, slug, settings or defaults",
        request=OrganizationSettingsUpdateSerializer,
        responses={200: OrganizationSerializer},
    )
    def patch(self, request: Request) -> Response:
        """Needs CanManageOrganization. `settings` is merged (only the keys given change); turning on
        `auth.requireMfa` starts the members' grace period (`auth.mfaGracePeriodDays`) now."""
        data = OrganizationSettingsUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = {_FIELDS[k]: v for k, v in data.validated_data.items()}
        return Response(OrganizationSerializer(organization_update(principal=self.principal, **changes)).data)
