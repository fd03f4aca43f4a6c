from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.fast import dump
from apps.core.api.pagination import list_body, marker_page
from apps.core.api.serializers import ErrorSerializer
from apps.notifications.access import require_manage, require_manage_object
from apps.notifications.api.serializers.channels import (
    ChannelCreateSerializer,
    ChannelListSerializer,
    ChannelSerializer,
    ChannelUpdateSerializer,
)
from apps.notifications.api.views.common import MARKER_PARAMS, id_param, id_parameter, owner_of
from apps.notifications.selectors.channels import channel_get, channel_list
from apps.notifications.services import channels as services
from apps.notifications.services.channels import Saved
from apps.org.api.base import OrgApiView

TAGS = ["notifications"]


def _out(saved: Saved) -> dict:
    body = dump(ChannelSerializer, saved.channel)
    if saved.shown_once:
        body["configWrite"] = {**saved.channel.config, **saved.shown_once}
    return body


class ChannelsView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="List notification channels",
        parameters=[*MARKER_PARAMS, id_parameter("teamId"), id_parameter("memberId")],
        responses={200: ChannelListSerializer},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        channels = channel_list(
            principal=self.principal, team_id=id_param(params, "teamId"), member_id=id_param(params, "memberId")
        )
        page = marker_page(channels, params)
        return Response(list_body(page, dump(ChannelSerializer, page.objects, many=True)))

    @extend_schema(
        tags=TAGS,
        summary="Create a notification channel",
        request=ChannelCreateSerializer,
        responses={201: ChannelSerializer},
    )
    def post(self, request: Request) -> Response:
        """A member's (`memberId`), a team's (`teamId`) or the organization's channel. A webhook created without
        a `secret` gets one, shown once in this response's `configWrite.secret`."""
        team_id, member_id = owner_of(request.data)
        require_manage(self.principal, team_id=team_id, member_id=member_id)
        data = ChannelCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved = services.channel_create(
            principal=self.principal,
            channel_type=data.validated_data["type"],
            name=data.validated_data["name"],
            team_id=data.validated_data.get("teamId"),
            member_id=data.validated_data.get("memberId"),
            config_write=data.validated_data.get("configWrite") or {},
        )
        return Response(_out(saved), status=201)


class ChannelView(OrgApiView):
    @extend_schema(tags=TAGS, summary="Get notification channel details", responses={200: ChannelSerializer})
    def get(self, request: Request, channel: str) -> Response:
        return Response(dump(ChannelSerializer, channel_get(principal=self.principal, channel_id=channel)))

    @extend_schema(tags=TAGS, summary="Delete a notification channel", responses={204: None})
    def delete(self, request: Request, channel: str) -> Response:
        """Soft delete: nothing more is sent to it; the delivery log keeps its history."""
        services.channel_delete(
            principal=self.principal, channel=channel_get(principal=self.principal, channel_id=channel)
        )
        return Response(status=204)

    @extend_schema(
        tags=TAGS,
        summary="Update a notification channel",
        request=ChannelUpdateSerializer,
        responses={200: ChannelSerializer},
    )
    def patch(self, request: Request, channel: str) -> Response:
        found = channel_get(principal=self.principal, channel_id=channel)
        require_manage_object(self.principal, found)  # the permission first, then the body's shape
        data = ChannelUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved = services.channel_update(
            principal=self.principal,
            channel=found,
            name=data.validated_data.get("name"),
            config_write=data.validated_data.get("configWrite"),
            status=data.validated_data.get("status"),
        )
        return Response(_out(saved))


class ChannelTestView(OrgApiView):
    @extend_schema(
        tags=TAGS, summary="Send a test notification", request=None, responses={204: None, 400: ErrorSerializer}
    )
    def post(self, request: Request, channel: str) -> Response:
        """Sends a real test message now; on success the channel's `verifiedAt` is set. A failure is a 400
        `channel_test_failed` saying what the destination answered (the attempt is in the delivery log)."""
        services.channel_test(
            principal=self.principal, channel=channel_get(principal=self.principal, channel_id=channel)
        )
        return Response(status=204)
