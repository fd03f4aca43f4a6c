from rest_framework import serializers


class MfaStatusSerializer(serializers.Serializer):
    totpEnabled = serializers.BooleanField()
    recoveryCodesRemaining = serializers.IntegerField()


class TotpEnrollmentSerializer(serializers.Serializer):
    """Shown once: the secret, as text, as an otpauth:// URI and as a QR code (SVG)."""

    secret = serializers.CharField()
    otpauthUri = serializers.CharField()
    qrSvg = serializers.CharField()


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=10)


class RecoveryCodesSerializer(serializers.Serializer):
    """Shown once: ten single-use codes."""

    recoveryCodes = serializers.ListField(child=serializers.CharField())
