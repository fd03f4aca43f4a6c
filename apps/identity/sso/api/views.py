"""Identity provider endpoints (tag identity). Parse, call one service or selector, serialize."""

from dataclasses import asdict

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.pagination import marker_page, serialize_page
from apps.identity.sso import selectors, services
from apps.identity.sso.api import serializers as s
from apps.identity.sso.catalog import provider_types
from apps.org.api.base import ApiView, OrgApiView

TAG = ["identity"]
MARKER_PARAMS = [
    OpenApiParameter("limit", int, description="The maximum number of items to list (0..100, default 100)."),
    OpenApiParameter("marker", str, description="The pagination token returned from the previous list operation."),
]


def _out(idp) -> dict:
    return s.IdentityProviderSerializer(idp).data


def _oidc_changes(data: dict) -> dict:
    """Service keyword arguments from a validated create/update body."""
    oidc = data.get("configWrite", {}).get("oidc", {})
    changes = {
        "issuer": oidc.get("issuer"),
        "client_id": oidc.get("clientId"),
        "client_secret": oidc.get("clientSecret"),
        "scopes": oidc.get("scopes"),
        "name": data.get("name"),
        "allowed_email_domains": data.get("allowedEmailDomains"),
        "enabled": data.get("enabled"),
    }
    return {k: v for k, v in changes.items() if v is not None}


class ProviderTypesView(ApiView):
    @extend_schema(
        tags=TAG, summary="List available identity provider types", responses={200: s.ProviderTypeListSerializer}
    )
    def get(self, request: Request) -> Response:
        return Response({"items": s.ProviderTypeSerializer(provider_types(), many=True).data})


class IdentityProvidersView(OrgApiView):
    @extend_schema(
        tags=TAG,
        summary="List identity providers",
        parameters=MARKER_PARAMS,
        responses={200: s.IdentityProviderListSerializer},
    )
    def get(self, request: Request) -> Response:
        page = marker_page(selectors.idp_list(principal=self.principal), request.query_params)
        return Response(serialize_page(page, _out))

    @extend_schema(
        tags=TAG,
        summary="Create an identity provider",
        request=s.IdentityProviderCreateSerializer,
        responses={201: s.IdentityProviderSerializer},
    )
    def post(self, request: Request) -> Response:
        data = s.IdentityProviderCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = _oidc_changes(data.validated_data)
        idp = services.idp_create(
            principal=self.principal, provider_type_id=data.validated_data["identityProviderTypeId"], **changes
        )
        return Response(_out(idp), status=201)


class AutoSetupView(OrgApiView):
    @extend_schema(
        tags=TAG,
        summary="Auto-setup identity provider",
        description="Discovery plus dynamic client registration (RFC 7591) with the initial access token. "
        "A provider without a registration endpoint is a 400 `registration_not_supported`.",
        request=s.AutoSetupSerializer,
        responses={201: s.IdentityProviderSerializer},
    )
    def post(self, request: Request) -> Response:
        data = s.AutoSetupSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        idp = services.idp_auto_setup(
            principal=self.principal,
            name=data.validated_data["name"],
            provider_url=data.validated_data["providerUrl"],
            provider_type_id=data.validated_data["providerType"],
            initial_access_token=data.validated_data["initialAccessToken"],
            redirect_uri=request.build_absolute_uri(reverse("sso-callback")),
        )
        return Response(_out(idp), status=201)


class IdentityProviderView(OrgApiView):
    @extend_schema(tags=TAG, summary="Describe an identity provider", responses={200: s.IdentityProviderSerializer})
    def get(self, request: Request, idp: str) -> Response:
        return Response(_out(selectors.idp_get(principal=self.principal, idp_id=idp)))

    @extend_schema(
        tags=TAG,
        summary="Update an identity provider",
        request=s.IdentityProviderUpdateSerializer(partial=True),
        responses={200: s.IdentityProviderSerializer},
    )
    def patch(self, request: Request, idp: str) -> Response:
        found = selectors.idp_get(principal=self.principal, idp_id=idp)
        data = s.IdentityProviderUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        updated = services.idp_update(principal=self.principal, idp=found, **_oidc_changes(data.validated_data))
        return Response(_out(updated))

    @extend_schema(tags=TAG, summary="Delete an identity provider", responses={204: None})
    def delete(self, request: Request, idp: str) -> Response:
        services.idp_delete(principal=self.principal, idp=selectors.idp_get(principal=self.principal, idp_id=idp))
        return Response(status=204)


class RotateSecretView(OrgApiView):
    @extend_schema(
        tags=TAG,
        summary="Rotate an identity provider's client secret",
        request=s.RotateSecretSerializer,
        responses={200: s.IdentityProviderSerializer},
    )
    def post(self, request: Request, idp: str) -> Response:
        found = selectors.idp_get(principal=self.principal, idp_id=idp)
        data = s.RotateSecretSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rotated = services.idp_rotate_secret(
            principal=self.principal, idp=found, client_secret=data.validated_data["clientSecret"]
        )
        return Response(_out(rotated))


class TestConnectionView(OrgApiView):
    @extend_schema(
        tags=TAG,
        summary="Test an identity provider connection",
        request=None,
        responses={200: s.ConnectionReportSerializer},
    )
    def post(self, request: Request, idp: str) -> Response:
        found = selectors.idp_get(principal=self.principal, idp_id=idp)
        report = services.idp_test_connection(principal=self.principal, idp=found)
        return Response(s.ConnectionReportSerializer(asdict(report)).data)
