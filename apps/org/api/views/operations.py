from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.serializers import ErrorSerializer
from apps.core.operations import OperationStatus
from apps.org.api.base import OrgApiView
from apps.org.selectors.operations import operation_get


class ProgressResourceSerializer(serializers.Serializer):
    urn = serializers.CharField()
    type = serializers.CharField()
    name = serializers.CharField()
    operation = serializers.CharField()
    status = serializers.ChoiceField(choices=["pending", "running", "succeeded", "failed", "unchanged"])
    duration = serializers.IntegerField(help_text="Milliseconds")


class ProgressSummarySerializer(serializers.Serializer):
    total = serializers.IntegerField()
    pending = serializers.IntegerField()
    running = serializers.IntegerField()
    succeeded = serializers.IntegerField()
    failed = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class ProgressSerializer(serializers.Serializer):
    stage = serializers.CharField()
    message = serializers.CharField()
    resources = ProgressResourceSerializer(many=True)
    summary = ProgressSummarySerializer()


class OperationSerializer(serializers.Serializer):
    id = serializers.CharField()
    organizationId = serializers.CharField(source="organization_id")
    memberId = serializers.CharField(source="member_id")
    operation = serializers.CharField()
    status = serializers.ChoiceField(choices=OperationStatus.values)
    result = serializers.DictField(allow_null=True, help_text="What a succeeded operation produced (ids, outputs).")
    error = ErrorSerializer(allow_null=True)
    progress = ProgressSerializer()
    resourceType = serializers.CharField(source="resource_type")
    resourceId = serializers.CharField(source="resource_id")
    createdAt = serializers.DateTimeField(source="created_at")
    updatedAt = serializers.DateTimeField(source="updated_at")
    startedAt = serializers.DateTimeField(source="started_at", allow_null=True)
    completedAt = serializers.DateTimeField(source="completed_at", allow_null=True)


class OperationView(OrgApiView):
    @extend_schema(
        tags=["operations"],
        summary="Get async operation status",
        responses={200: OperationSerializer, 401: ErrorSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request, operationId: str) -> Response:
        return Response(OperationSerializer(operation_get(principal=self.principal, operation_id=operationId)).data)
