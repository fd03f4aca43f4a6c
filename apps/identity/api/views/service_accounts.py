"""Service accounts of the organization and their API keys."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.pagination import marker_page, serialize_page
from apps.identity import selectors
from apps.identity.api.serializers import service_accounts as ss
from apps.identity.api.serializers.users import MarkerQuerySerializer
from apps.identity.services import service_accounts as services
from apps.org.api.base import OrgApiView

TAG = ["service-accounts"]


class ServiceAccountsView(OrgApiView):
    @extend_schema(
        tags=TAG,
        summary="List service accounts",
        parameters=[MarkerQuerySerializer],
        responses={200: ss.ServiceAccountListSerializer},
    )
    def get(self, request: Request) -> Response:
        page = marker_page(selectors.service_account_list(principal=self.principal), request.query_params)
        return Response(serialize_page(page, lambda a: ss.ServiceAccountDetailSerializer(a).data))

    @extend_schema(
        tags=TAG,
        summary="Create a service account",
        request=ss.ServiceAccountWriteSerializer,
        responses={201: ss.ServiceAccountDetailSerializer},
    )
    def post(self, request: Request) -> Response:
        data = ss.ServiceAccountWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        account = services.service_account_create(
            principal=self.principal,
            username=data.validated_data["username"],
            description=data.validated_data.get("description", ""),
        )
        return Response(ss.ServiceAccountDetailSerializer(account).data, status=201)


class ServiceAccountView(OrgApiView):
    @extend_schema(tags=TAG, summary="Describe a service account", responses={200: ss.ServiceAccountDetailSerializer})
    def get(self, request: Request, serviceAccount: str) -> Response:
        account = selectors.service_account_get(principal=self.principal, account_id=serviceAccount)
        return Response(ss.ServiceAccountDetailSerializer(account).data)

    @extend_schema(
        tags=TAG,
        summary="Update a service account",
        description="A disabled account's keys stop working until it is enabled again.",
        request=ss.ServiceAccountWriteSerializer(partial=True),
        responses={200: ss.ServiceAccountDetailSerializer},
    )
    def patch(self, request: Request, serviceAccount: str) -> Response:
        account = selectors.service_account_get(principal=self.principal, account_id=serviceAccount)
        data = ss.ServiceAccountWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        account = services.service_account_update(principal=self.principal, account=account, **data.validated_data)
        return Response(ss.ServiceAccountDetailSerializer(account).data)

    @extend_schema(tags=TAG, summary="Delete a service account and its keys", responses={204: None})
    def delete(self, request: Request, serviceAccount: str) -> Response:
        account = selectors.service_account_get(principal=self.principal, account_id=serviceAccount)
        services.service_account_delete(principal=self.principal, account=account)
        return Response(status=204)


class ApiKeysView(OrgApiView):
    @extend_schema(
        tags=TAG,
        summary="List the API keys of a service account",
        description="Keys are never shown again after creation: the list shows their prefix.",
        parameters=[MarkerQuerySerializer],
        responses={200: ss.ApiKeyListSerializer},
    )
    def get(self, request: Request, serviceAccount: str) -> Response:
        account = selectors.service_account_get(principal=self.principal, account_id=serviceAccount)
        page = marker_page(selectors.api_keys(account=account), request.query_params)
        return Response(serialize_page(page, lambda k: ss.ApiKeySerializer(k).data))

    @extend_schema(
        tags=TAG,
        summary="Create an API key",
        description="The response shows the key once (`secret`); it is stored as a SHA-256 hash. Needs a sign-in "
        "less than 15 minutes old.",
        request=ss.ApiKeyCreateSerializer,
        responses={201: ss.ApiKeyCreatedSerializer},
    )
    def post(self, request: Request, serviceAccount: str) -> Response:
        account = selectors.service_account_get(principal=self.principal, account_id=serviceAccount)
        data = ss.ApiKeyCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        key, secret = services.api_key_create(
            principal=self.principal,
            account=account,
            name=data.validated_data["name"],
            expires_at=data.validated_data["expiresAt"],
        )
        key.secret = secret
        return Response(ss.ApiKeyCreatedSerializer(key).data, status=201)


class ApiKeyView(OrgApiView):
    @extend_schema(tags=TAG, summary="Revoke an API key", responses={204: None})
    def delete(self, request: Request, serviceAccount: str, key: str) -> Response:
        account = selectors.service_account_get(principal=self.principal, account_id=serviceAccount)
        services.api_key_revoke(principal=self.principal, key=selectors.api_key_get(account=account, key_id=key))
        return Response(status=204)
