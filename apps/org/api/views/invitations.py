from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from apps.org.api.base import ApiView, OrgApiView
from apps.org.api.serializers.requests import InvitationCreateSerializer
from apps.org.api.serializers.responses import InvitationSerializer
from apps.org.services import invitations as services

TAGS = ["invitations"]


def _invitation(invitation, token: str) -> dict:
    invitation.token = token
    invitation.url = services.invite_url(token)
    return InvitationSerializer(invitation).data


class InvitationsView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="Create an invitation",
        request=InvitationCreateSerializer,
        responses={201: InvitationSerializer},
    )
    def post(self, request: Request) -> Response:
        data = InvitationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        body = data.validated_data
        invitation, token = services.invitation_create(
            principal=self.principal,
            email=body["email"],
            name=body["name"],
            organization_role_id=body.get("organizationRoleId") or None,
            account_type=body["accountType"],
            team_assignments=[dict(a) for a in body["teamAssignments"]],
            send_email=body["sendEmail"],
        )
        return Response(_invitation(invitation, token), status=201)


class InvitationView(ApiView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(tags=TAGS, summary="Describe an invitation", responses={200: InvitationSerializer}, auth=[])
    def get(self, request: Request, token: str) -> Response:
        """The invitation behind a link; the token itself is the credential."""
        return Response(_invitation(services.invitation_by_token(token), token))
