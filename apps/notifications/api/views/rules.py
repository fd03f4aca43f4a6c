from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.fast import dump
from apps.core.api.pagination import list_body, marker_page
from apps.notifications.access import require_manage, require_manage_object
from apps.notifications.api.serializers.rules import (
    RuleCreateSerializer,
    RuleListSerializer,
    RuleSerializer,
    RuleUpdateSerializer,
    spec_changes,
)
from apps.notifications.api.views.common import MARKER_PARAMS, choice_param, id_param, id_parameter, owner_of
from apps.notifications.models import ScopeType
from apps.notifications.selectors.rules import rule_get, rule_list
from apps.notifications.services import rules as services
from apps.org.api.base import OrgApiView

TAGS = ["notifications"]


class RulesView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="List notification rules",
        parameters=[
            *MARKER_PARAMS,
            id_parameter("teamId"),
            id_parameter("memberId"),
            OpenApiParameter("resourceType", str),
            OpenApiParameter("scopeType", str, enum=ScopeType.values),
        ],
        responses={200: RuleListSerializer},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        rules = rule_list(
            principal=self.principal,
            team_id=id_param(params, "teamId"),
            member_id=id_param(params, "memberId"),
            resource_type=params.get("resourceType") or None,
            scope_type=choice_param(params, "scopeType", ScopeType.values),
        )
        page = marker_page(rules, params)
        return Response(list_body(page, dump(RuleSerializer, page.objects, many=True)))

    @extend_schema(
        tags=TAGS, summary="Create a notification rule", request=RuleCreateSerializer, responses={201: RuleSerializer}
    )
    def post(self, request: Request) -> Response:
        """A member's (`memberId`), a team's (`teamId`) or the organization's rule; shortcut event types expand."""
        team_id, member_id = owner_of(request.data)
        require_manage(self.principal, team_id=team_id, member_id=member_id)
        data = RuleCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rule = services.rule_create(
            principal=self.principal,
            spec=services.RuleSpec(**spec_changes(data.validated_data)),
            team_id=data.validated_data.get("teamId"),
            member_id=data.validated_data.get("memberId"),
        )
        return Response(dump(RuleSerializer, rule_get(principal=self.principal, rule_id=rule.pk)), status=201)


class RuleView(OrgApiView):
    @extend_schema(tags=TAGS, summary="Get notification rule details", responses={200: RuleSerializer})
    def get(self, request: Request, rule: str) -> Response:
        return Response(dump(RuleSerializer, rule_get(principal=self.principal, rule_id=rule)))

    @extend_schema(tags=TAGS, summary="Delete a notification rule", responses={204: None})
    def delete(self, request: Request, rule: str) -> Response:
        services.rule_delete(principal=self.principal, rule=rule_get(principal=self.principal, rule_id=rule))
        return Response(status=204)

    @extend_schema(
        tags=TAGS, summary="Update a notification rule", request=RuleUpdateSerializer, responses={200: RuleSerializer}
    )
    def patch(self, request: Request, rule: str) -> Response:
        """Fields left out keep their values; `enabled` turns the rule off and on, `mutedUntil: null` unmutes."""
        found = rule_get(principal=self.principal, rule_id=rule)
        require_manage_object(self.principal, found)  # the permission first, then the body's shape
        data = RuleUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.rule_update(principal=self.principal, rule=found, **spec_changes(data.validated_data))
        return Response(dump(RuleSerializer, rule_get(principal=self.principal, rule_id=rule)))
