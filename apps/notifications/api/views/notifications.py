from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.fast import dump
from apps.core.api.pagination import list_body, marker_page
from apps.core.api.serializers import ErrorSerializer
from apps.notifications.api.serializers.notifications import NotificationListSerializer, NotificationSerializer
from apps.notifications.api.views.common import MARKER_PARAMS, choice_param, id_param, id_parameter, time_param
from apps.notifications.models import NotificationStatus
from apps.notifications.selectors.notifications import notification_get, notification_list
from apps.notifications.services.notifications import notification_redeliver
from apps.org.api.base import OrgApiView

TAGS = ["notifications"]


class NotificationsView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="List notification delivery history",
        parameters=[
            *MARKER_PARAMS,
            id_parameter("channelId"),
            id_parameter("ruleId"),
            OpenApiParameter("status", str, enum=NotificationStatus.values),
            OpenApiParameter("createdAfter", OpenApiTypes.DATETIME, description="Designed: inclusive"),
            OpenApiParameter("createdBefore", OpenApiTypes.DATETIME, description="Designed: exclusive"),
        ],
        responses={200: NotificationListSerializer},
    )
    def get(self, request: Request) -> Response:
        """The delivery log of the channels you may see, newest first: events, digests, tests, redeliveries."""
        params = request.query_params
        log = notification_list(
            principal=self.principal,
            channel_id=id_param(params, "channelId"),
            rule_id=id_param(params, "ruleId"),
            status=choice_param(params, "status", NotificationStatus.values),
            created_after=time_param(params, "createdAfter"),
            created_before=time_param(params, "createdBefore"),
        )
        page = marker_page(log, params)
        return Response(list_body(page, dump(NotificationSerializer, page.objects, many=True)))


class RedeliverView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="Redeliver a notification",
        request=None,
        responses={201: NotificationSerializer, 409: ErrorSerializer},
    )
    def post(self, request: Request, notification: str) -> Response:
        """Designed. Sends a delivered, failed or skipped notification again as a new log entry (`redeliveryOf`)."""
        found = notification_get(principal=self.principal, notification_id=notification)
        copy = notification_redeliver(principal=self.principal, notification=found)
        return Response(dump(NotificationSerializer, copy), status=201)
