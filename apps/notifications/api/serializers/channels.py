"""Wire shapes of channels: `configWrite` carries configuration and secrets in; `config` never carries a secret out."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.serializers import AuditedSerializer
from apps.notifications.models import ChannelStatus, ChannelType
from apps.notifications.services.channels import SETTABLE_STATUSES
from apps.notifications.transports import transport_for

ID = {"max_length": 20}


class ChannelConfigWriteSerializer(serializers.Serializer):
    """By type: email `memberId` or `teamId` (+ `email`, one of the member's verified addresses); webhook `url`,
    `secret` (16+ characters; generated and shown once when left out), `headers`; slack `url`; pagerduty
    `routingKey`. Secrets (webhook URL and secret, header values, Slack URL, routing key) are write-only."""

    memberId = serializers.CharField(required=False, allow_null=True, **ID)
    teamId = serializers.CharField(required=False, allow_null=True, **ID)
    email = serializers.EmailField(required=False, allow_null=True)
    url = serializers.CharField(required=False, max_length=2000)
    secret = serializers.CharField(required=False, allow_null=True, max_length=200)
    headers = serializers.DictField(child=serializers.CharField(max_length=1000, allow_blank=True), required=False)
    routingKey = serializers.CharField(required=False, max_length=64)


class ChannelConfigSerializer(serializers.Serializer):
    """What `config` shows, by type (keys of other types are absent)."""

    memberId = serializers.CharField(allow_null=True, help_text="email: the member it is sent to")
    teamId = serializers.CharField(allow_null=True, help_text="email: the team whose members it is sent to")
    email = serializers.CharField(allow_null=True, required=False, help_text="email: the address chosen")
    url = serializers.CharField(required=False, help_text="webhook: the URL without query or credentials")
    secretConfigured = serializers.BooleanField(required=False)
    headerNames = serializers.ListField(child=serializers.CharField(), required=False)
    host = serializers.CharField(required=False, help_text="slack: the incoming webhook's host")
    urlConfigured = serializers.BooleanField(required=False)
    routingKeyConfigured = serializers.BooleanField(required=False)


class ChannelSerializer(AuditedSerializer):
    id = serializers.CharField()
    type = serializers.ChoiceField(choices=ChannelType.choices)
    name = serializers.CharField()
    teamId = serializers.CharField(source="team_id", allow_null=True)
    memberId = serializers.CharField(source="member_id", allow_null=True)
    config = serializers.SerializerMethodField()
    configWrite = serializers.SerializerMethodField(
        help_text="Write-only: null, except in the response that generated a webhook signing secret, where it "
        "shows `secret` once (with the channel's config)."
    )
    status = serializers.ChoiceField(choices=ChannelStatus.choices)
    statusMessage = serializers.CharField(source="status_message", help_text="The last error, when there is one.")
    verifiedAt = serializers.DateTimeField(source="verified_at", allow_null=True)
    supportsDigest = serializers.SerializerMethodField()

    @extend_schema_field(ChannelConfigSerializer)
    def get_config(self, obj) -> dict:
        return obj.config

    @extend_schema_field(ChannelConfigWriteSerializer(allow_null=True))
    def get_configWrite(self, obj) -> None:
        return None

    def get_supportsDigest(self, obj) -> bool:
        return transport_for(obj.type).supports_digest


class ChannelListSerializer(serializers.Serializer):
    items = ChannelSerializer(many=True)
    marker = serializers.CharField(required=False)


class ChannelCreateSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ChannelType.choices)
    name = serializers.CharField(max_length=200)
    teamId = serializers.CharField(required=False, allow_null=True, help_text="A team's channel", **ID)
    memberId = serializers.CharField(
        required=False, allow_null=True, help_text="A personal channel (neither: the organization's)", **ID
    )
    configWrite = ChannelConfigWriteSerializer(required=False)


class ChannelUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    configWrite = ChannelConfigWriteSerializer(required=False, help_text="Given keys replace; secrets left out stay.")
    status = serializers.ChoiceField(choices=[(s.value, s.label) for s in SETTABLE_STATUSES], required=False)
