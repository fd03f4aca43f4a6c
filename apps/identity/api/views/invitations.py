from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from apps.identity.models import User
from apps.identity.services.invitations import invitation_accept
from apps.org.api.base import ApiView
from apps.org.api.serializers.requests import InvitationAcceptSerializer
from apps.org.api.serializers.responses import InvitationAcceptedSerializer

TAGS = ["invitations"]


class InvitationAcceptView(ApiView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        summary="Accept an invitation",
        request=InvitationAcceptSerializer,
        responses={200: InvitationAcceptedSerializer},
        auth=[{}, {"bearer": []}],
    )
    def post(self, request: Request, token: str) -> Response:
        """Accept as the signed-in user, or as a new account described by `user`."""
        data = InvitationAcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        signed_in = request.user if isinstance(request.user, User) else None
        member = invitation_accept(token=token, user=signed_in, new_user=data.validated_data.get("user"))
        return Response(
            InvitationAcceptedSerializer(
                {
                    "organization": member.organization,
                    "user": member.user,
                    "otaCode": None,
                    "nextStep": "console" if signed_in else "sign_in",
                }
            ).data
        )
