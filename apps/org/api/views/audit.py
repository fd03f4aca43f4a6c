"""The organization's audit log (designed: the reference has no audit endpoint)."""

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.pagination import marker_page, serialize_page
from apps.org.api.base import OrgApiView
from apps.org.api.serializers.audit import (
    CSV_COLUMNS,
    AuditEventListSerializer,
    AuditEventQuerySerializer,
    AuditEventSerializer,
)
from apps.org.selectors.audit import audit_event_list

TAGS = ["audit"]
CSV_BATCH = 500
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class FormatIsAParameter(BaseContentNegotiation):
    """`format` is this endpoint's own parameter (json or csv), not DRF's renderer override; errors stay JSON."""

    def select_parser(self, request: Request, parsers: list) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Request, renderers: list, format_suffix: str | None = None) -> tuple:
        return renderers[0], renderers[0].media_type


class AuditEventsView(OrgApiView):
    content_negotiation_class = FormatIsAParameter

    @extend_schema(
        tags=TAGS,
        summary="List audit events",
        description=(
            "What changed in the organization and every sign-in of its members, newest first (marker paging). "
            "`format=csv` streams every matching record as CSV with the same columns, ignoring `limit` and "
            "`marker`. Needs CanViewAuditLog (Owners and Admins)."
        ),
        parameters=[AuditEventQuerySerializer],
        responses={(200, "application/json"): AuditEventListSerializer, (200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request: Request) -> Response | StreamingHttpResponse:
        query = AuditEventQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        events = audit_event_list(principal=self.principal, **query.filters())
        if query.validated_data["format"] == "csv":
            response = StreamingHttpResponse(_csv_lines(events.iterator(chunk_size=CSV_BATCH)), content_type="text/csv")
            response["Content-Disposition"] = 'attachment; filename="audit-events.csv"'
            return response
        page = marker_page(events, request.query_params)
        return Response(serialize_page(page, AuditEventSerializer().to_representation))


class _Line:
    """A file-like object whose write() returns what was written, so csv.writer yields lines to stream."""

    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> str:
    text = json.dumps(value, sort_keys=True) if isinstance(value, dict) else "" if value is None else str(value)
    # A spreadsheet would run a cell starting like a formula: keep it text.
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_lines(events: Iterable) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(CSV_COLUMNS)
    serializer = AuditEventSerializer()
    for event in events:
        item = serializer.to_representation(event)
        yield writer.writerow([_cell(item[column]) for column in CSV_COLUMNS])
