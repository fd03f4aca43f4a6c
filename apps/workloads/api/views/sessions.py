"""Sessions: list, open, describe, close, relaunch, and tokens for the session proxy."""

from collections.abc import Sequence
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.fast import dump
from apps.core.api.included import Included
from apps.core.api.pagination import list_body, marker_page
from apps.core.api.serializers import ErrorSerializer
from apps.core.principal import Principal
from apps.identity.api.serializers.users import ServiceAccountSerializer
from apps.org.api.base import OrgApiView
from apps.org.api.serializers.entities import MemberSerializer
from apps.workloads.api.serializers.compute_configs import ComputeConfigSerializer
from apps.workloads.api.serializers.sessions import (
    ComputeInstanceSerializer,
    SessionCreateSerializer,
    SessionItemSerializer,
    SessionListSerializer,
    SessionSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from apps.workloads.api.views.common import MARKER_PARAMS, TAGS
from apps.workloads.models import EndpointType, Session, SessionStatus
from apps.workloads.selectors.sessions import session_get, session_list, with_connection_info
from apps.workloads.services import sessions as services

LIST_PARAMS = [
    OpenApiParameter("teamId", str, description="Sessions of this team"),
    OpenApiParameter("endpoint_type", str, enum=EndpointType.values),
    OpenApiParameter("status", str, enum=SessionStatus.values),
    *MARKER_PARAMS,
]
WRITE_ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 409: ErrorSerializer}


def _included(principal: Principal, sessions: Sequence[Session]) -> dict[str, Any]:
    return (
        Included()
        .add("sessions", with_connection_info(principal, list(sessions)), SessionSerializer)
        .add("members", [s.member for s in sessions], MemberSerializer)
        .add("serviceAccounts", [s.service_account for s in sessions], ServiceAccountSerializer)
        .add("workloads", [s.compute_instance for s in sessions], ComputeInstanceSerializer)
        .add("workloadConfigs", [s.compute_config for s in sessions], ComputeConfigSerializer)
        .as_dict()
    )


def _session(principal: Principal, session: Session, status: int = 200) -> Response:
    return Response(dump(SessionSerializer, with_connection_info(principal, [session])[0]), status=status)


class SessionsView(OrgApiView):
    @extend_schema(tags=TAGS, summary="List sessions", parameters=LIST_PARAMS, responses={200: SessionListSerializer})
    def get(self, request: Request) -> Response:
        """Members see their own sessions, team admins their teams', org admins all."""
        params = request.query_params
        sessions = session_list(
            principal=self.principal,
            team_id=params.get("teamId"),
            endpoint_type=params.get("endpoint_type"),
            status=params.get("status"),
        )
        page = marker_page(sessions, params, with_total=True)
        items = dump(SessionItemSerializer, page.objects, many=True)
        return Response(list_body(page, items, included=_included(self.principal, page.objects)))

    @extend_schema(
        tags=TAGS,
        summary="Create a session",
        request=SessionCreateSerializer,
        responses={201: SessionSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request) -> Response:
        """Pending until the first proxied call after its server is ready; without workloadConfigId, the team's
        default compute config. 409 at the organization's session limits."""
        data = SessionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        body = data.validated_data
        session = services.session_create(
            principal=self.principal,
            endpoint_type=body["endpointType"],
            name=body.get("name", ""),
            team_id=body.get("teamId"),
            workload_config_id=body.get("workloadConfigId"),
            member_id=body.get("memberId"),
            service_account_id=body.get("serviceAccountId"),
            notebook_id=body.get("notebookId") or "",
            config=body.get("config"),
            metadata=body.get("metadata"),
            allow_shared=body["allowShared"],
        )
        return _session(self.principal, session, status=201)


class SessionView(OrgApiView):
    @extend_schema(tags=TAGS, summary="Describe a session", responses={200: SessionSerializer})
    def get(self, request: Request, session: str) -> Response:
        return _session(self.principal, session_get(principal=self.principal, session_id=session))

    @extend_schema(tags=TAGS, summary="Close a session", responses={204: None, 403: ErrorSerializer})
    def delete(self, request: Request, session: str) -> Response:
        """Closed at once; its server is stopped in the background when no other session uses it."""
        services.session_close(principal=self.principal, session_id=session)
        return Response(status=204)


class SessionTokenView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="Issue a session proxy token",
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, session: str) -> Response:
        """Dial `connectionInfo.grpcEndpoint` with `authorization: Bearer <token>` (pyspark:
        `sc://host:port/;token=<token>`). Valid until the earlier of durationSeconds and the session's timeoutAt."""
        data = TokenRequestSerializer(data=request.data or {})
        data.is_valid(raise_exception=True)
        token, expires_at = services.session_token_issue(
            principal=self.principal, session_id=session, duration_seconds=data.validated_data.get("durationSeconds")
        )
        return Response(dump(TokenSerializer, {"token": token, "expiresAt": expires_at}))


class SessionRelaunchView(OrgApiView):
    @extend_schema(
        tags=TAGS, summary="Relaunch a closed session", request=None, responses={201: SessionSerializer, **WRITE_ERRORS}
    )
    def post(self, request: Request, session: str) -> Response:
        """A new session with the ended one's compute config and settings; the ended one is left as it is."""
        return _session(self.principal, services.session_relaunch(principal=self.principal, session_id=session), 201)
