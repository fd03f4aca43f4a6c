"""Wire shapes of identity providers: `configWrite` carries the secret in; `config` never carries it out."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.fields import HttpUrlField
from apps.core.api.serializers import AuditedSerializer
from apps.identity.sso.catalog import CATALOG_DATE, PROVIDER_TYPE_IDS

TYPE_IDS = PROVIDER_TYPE_IDS


class DcrCapabilitySerializer(serializers.Serializer):
    supported = serializers.BooleanField(source="dcr_supported")
    requiresToken = serializers.BooleanField(source="dcr_requires_token")
    tokenType = serializers.CharField(source="dcr_token_type")


class CapabilitiesSerializer(serializers.Serializer):
    dcr = DcrCapabilitySerializer(source="*")
    requiresClientSecret = serializers.BooleanField(source="requires_client_secret")


class TypeMetadataSerializer(serializers.Serializer):
    documentationUrl = serializers.CharField(source="documentation_url")
    logoUrl = serializers.CharField(source="logo_url")
    setupComplexity = serializers.ChoiceField(choices=["low", "medium", "high"], source="setup_complexity")
    vendorType = serializers.ChoiceField(choices=["self_hosted", "saas", "generic"], source="vendor_type")
    defaultIssuer = serializers.CharField(source="default_issuer")
    issuerTemplate = serializers.CharField(source="issuer_template")


class ProviderTypeSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    providerType = serializers.SerializerMethodField()
    capabilities = CapabilitiesSerializer(source="*")
    metadata = TypeMetadataSerializer(source="*")
    enabled = serializers.BooleanField()
    visible = serializers.BooleanField()
    displayOrder = serializers.SerializerMethodField()
    createdAt = serializers.SerializerMethodField()
    updatedAt = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(help_text="The protocol: oidc."))
    def get_providerType(self, obj) -> str:
        return "oidc"

    def get_displayOrder(self, obj) -> int:
        return TYPE_IDS.index(obj.id)

    @extend_schema_field(serializers.DateTimeField())
    def get_createdAt(self, obj) -> str:
        return serializers.DateTimeField().to_representation(CATALOG_DATE)

    @extend_schema_field(serializers.DateTimeField())
    def get_updatedAt(self, obj) -> str:
        return serializers.DateTimeField().to_representation(CATALOG_DATE)


class ProviderTypeListSerializer(serializers.Serializer):
    items = ProviderTypeSerializer(many=True)


class OidcWriteSerializer(serializers.Serializer):
    issuer = HttpUrlField(max_length=500)
    clientId = serializers.CharField(max_length=255)
    clientSecret = serializers.CharField(max_length=2000, write_only=True)
    scopes = serializers.ListField(child=serializers.CharField(max_length=100), max_length=20, required=False)


class ConfigWriteSerializer(serializers.Serializer):
    oidc = OidcWriteSerializer()


class OidcConfigSerializer(serializers.Serializer):
    issuer = serializers.CharField()
    clientId = serializers.CharField(source="client_id")
    clientSecretConfigured = serializers.SerializerMethodField()
    scopes = serializers.ListField(child=serializers.CharField())

    def get_clientSecretConfigured(self, obj) -> bool:
        return bool(obj.client_secret)


class ConfigSerializer(serializers.Serializer):
    oidc = OidcConfigSerializer(source="*")


class IdentityProviderSerializer(AuditedSerializer):
    id = serializers.CharField()
    identityProviderTypeId = serializers.ChoiceField(choices=TYPE_IDS, source="provider_type")
    name = serializers.CharField()
    config = ConfigSerializer(source="*")
    configWrite = serializers.SerializerMethodField(
        help_text="Write-only: always null in responses (secrets are never returned)."
    )
    enabled = serializers.BooleanField(source="is_enabled", help_text="Offered on the sign-in page.")
    allowedEmailDomains = serializers.ListField(
        child=serializers.CharField(),
        source="allowed_email_domains",
        help_text="Email domains that join the organization on first sign-in without an invitation.",
    )

    @extend_schema_field(ConfigWriteSerializer(allow_null=True))
    def get_configWrite(self, obj) -> None:
        return None


class IdentityProviderListSerializer(serializers.Serializer):
    items = IdentityProviderSerializer(many=True)
    marker = serializers.CharField(required=False)


class IdentityProviderCreateSerializer(serializers.Serializer):
    identityProviderTypeId = serializers.ChoiceField(choices=TYPE_IDS)
    name = serializers.CharField(max_length=200)
    configWrite = ConfigWriteSerializer()
    allowedEmailDomains = serializers.ListField(
        child=serializers.CharField(max_length=253), max_length=50, required=False
    )
    enabled = serializers.BooleanField(required=False, default=True)


class IdentityProviderUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    configWrite = ConfigWriteSerializer()
    allowedEmailDomains = serializers.ListField(child=serializers.CharField(max_length=253), max_length=50)
    enabled = serializers.BooleanField()


class AutoSetupSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    providerUrl = HttpUrlField(max_length=500)
    providerType = serializers.ChoiceField(choices=TYPE_IDS, required=False, default="generic-oidc")
    initialAccessToken = serializers.CharField(max_length=8000, required=False, allow_blank=True, default="")


class RotateSecretSerializer(serializers.Serializer):
    clientSecret = serializers.CharField(max_length=2000)


class EndpointsSerializer(serializers.Serializer):
    authorization = serializers.CharField()
    token = serializers.CharField()
    userinfo = serializers.CharField()
    jwks = serializers.CharField()
    endSession = serializers.CharField()


class ConnectionDetailsSerializer(serializers.Serializer):
    issuer = serializers.CharField()
    endpoints = EndpointsSerializer()
    backchannelLogoutSupported = serializers.BooleanField()
    backchannelLogoutSessionSupported = serializers.BooleanField()
    frontchannelLogoutSupported = serializers.BooleanField()
    scopesSupported = serializers.ListField(child=serializers.CharField())
    claimsSupported = serializers.ListField(child=serializers.CharField())


class ConnectionReportSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    message = serializers.CharField()
    reason = serializers.ChoiceField(
        choices=["issuer_mismatch", "timeout", "invalid_json", "unreachable", "http_error", "invalid_document"],
        allow_null=True,
        help_text="Why the test failed; null on success.",
    )
    details = ConnectionDetailsSerializer(allow_null=True)
