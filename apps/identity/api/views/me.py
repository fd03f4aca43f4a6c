from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.base import ApiView
from apps.core.api.serializers import ErrorSerializer
from apps.identity.api.serializers.auth import OrganizationListSerializer
from apps.identity.api.serializers.users import MeSerializer
from apps.identity.selectors import organizations_of
from apps.org.models import Organization


class MeView(ApiView):
    @extend_schema(
        tags=["identity"],
        summary="Get current user profile",
        responses={200: MeSerializer, 401: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        body = {"root": None, "user": self.principal.user, "service_account": self.principal.service_account}
        return Response(MeSerializer(body).data)


class MyOrganizationsView(ApiView):
    @extend_schema(
        tags=["identity"],
        summary="List the organizations I belong to",
        responses={200: OrganizationListSerializer, 401: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        if self.principal.user is not None:
            orgs = list(organizations_of(self.principal.user))
        else:
            orgs = [Organization.objects.get(pk=self.principal.service_account.organization_id)]
        return Response(OrganizationListSerializer({"items": orgs}).data)
