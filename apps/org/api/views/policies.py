from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.pagination import marker_page, serialize_page
from apps.org.api.base import OrgApiView
from apps.org.api.serializers.entities import PolicySerializer
from apps.org.api.serializers.requests import PolicySetSerializer
from apps.org.api.serializers.responses import PolicyListSerializer
from apps.org.selectors.policies import policy_get, policy_list
from apps.org.services import policies as services

TAGS = ["policies"]


class PoliciesView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="List organization policies",
        parameters=[OpenApiParameter("limit", int), OpenApiParameter("marker", str)],
        responses={200: PolicyListSerializer},
    )
    def get(self, request: Request) -> Response:
        page = marker_page(policy_list(principal=self.principal), request.query_params)
        return Response(serialize_page(page, lambda p: PolicySerializer(p).data))


class PolicyView(OrgApiView):
    @extend_schema(tags=TAGS, summary="Describe organization policy", responses={200: PolicySerializer})
    def get(self, request: Request, principal: str) -> Response:
        return Response(PolicySerializer(policy_get(principal=self.principal, principal_id=principal)).data)

    @extend_schema(
        tags=TAGS, summary="Set organization policy", request=PolicySetSerializer, responses={200: PolicySerializer}
    )
    def put(self, request: Request, principal: str) -> Response:
        data = PolicySetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        policy = services.policy_set(
            principal=self.principal, principal_id=principal, permissions=data.validated_data["permissions"]
        )
        return Response(PolicySerializer(policy).data)

    @extend_schema(tags=TAGS, summary="Delete organization policy", responses={204: None})
    def delete(self, request: Request, principal: str) -> Response:
        services.policy_delete(principal=self.principal, principal_id=principal)
        return Response(status=204)
