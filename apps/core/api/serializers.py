from rest_framework import serializers


class AuditedSerializer(serializers.Serializer):
    """The reference's audit fields, present on every entity."""

    createdAt = serializers.DateTimeField(source="created_at", read_only=True)
    createdBy = serializers.CharField(source="created_by", read_only=True)
    updatedAt = serializers.DateTimeField(source="updated_at", read_only=True)
    updatedBy = serializers.CharField(source="updated_by", read_only=True)


class ErrorDetailsSerializer(serializers.Serializer):
    retryable = serializers.BooleanField()
    retryAfter = serializers.IntegerField(allow_null=True)
    fieldErrors = serializers.DictField(child=serializers.CharField())
    requestId = serializers.CharField(allow_null=True)
    causedBy = serializers.CharField(allow_null=True)


class ErrorSerializer(serializers.Serializer):
    """The error object: the body of every API error response."""

    code = serializers.CharField()
    message = serializers.CharField()
    errorType = serializers.CharField()
    details = ErrorDetailsSerializer()
