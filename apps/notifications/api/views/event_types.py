from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.fast import dump
from apps.notifications.api.serializers.notifications import EventTypeListSerializer, EventTypeSerializer
from apps.notifications.catalog import catalog
from apps.org.api.base import OrgApiView


class EventTypesView(OrgApiView):
    @extend_schema(
        tags=["notifications"],
        summary="List available notification event types",
        responses={200: EventTypeListSerializer},
    )
    def get(self, request: Request) -> Response:
        """Every event type rules can name, then the shortcuts (`expandsTo`), which expand when a rule is written."""
        return Response({"items": dump(EventTypeSerializer, catalog(), many=True)})
